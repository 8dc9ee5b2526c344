/**
 * IIN (individuals) and BIN (legal entities) of Kazakhstan: 12 digits, the last a check digit.
 * The check digit is the weighted sum of the first 11 digits mod 11 with weights 1..11;
 * when that gives 10, weights 3..11,1,2 are used instead; 10 again means the number is invalid.
 */
const FIRST = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const SECOND = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];

export function iinCheckDigit(first11: string): number | null {
  if (!/^\d{11}$/.test(first11)) return null;
  const digits = [...first11].map(Number);
  const weighted = (weights: number[]) => digits.reduce((sum, d, i) => sum + d * (weights[i] ?? 0), 0) % 11;
  let check = weighted(FIRST);
  if (check === 10) check = weighted(SECOND);
  return check === 10 ? null : check;
}

export function isValidIinBin(value: string): boolean {
  if (!/^\d{12}$/.test(value)) return false;
  const check = iinCheckDigit(value.slice(0, 11));
  return check !== null && check === Number(value[11]);
}
