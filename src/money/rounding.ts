/**
 * Exact rounding of a rational number num/den to an integer, half away from zero
 * (SPEC.md section 4). Works on BigInt so no intermediate product loses a digit.
 */
export function roundHalfAwayFromZero(num: bigint, den: bigint): bigint {
  if (den === 0n) throw new RangeError('division by zero');
  if (den < 0n) return roundHalfAwayFromZero(-num, -den);
  const negative = num < 0n;
  const abs = negative ? -num : num;
  const q = abs / den;
  const r = abs % den;
  const rounded = r * 2n >= den ? q + 1n : q;
  return negative ? -rounded : rounded;
}

/** BigInt to number, refusing values a JS number cannot hold exactly. */
export function toSafeNumber(value: bigint): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`${value} is outside the exact integer range`);
  return n;
}

/** A decimal string such as '0.0125' or '12' as an exact fraction. */
export function parseDecimal(text: string): { num: bigint; den: bigint } {
  const match = /^(-)?(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match) throw new RangeError(`not a decimal number: ${text}`);
  const [, sign, whole, fraction = ''] = match;
  const den = 10n ** BigInt(fraction.length);
  const num = BigInt(whole + fraction) * (sign ? -1n : 1n);
  return { num, den };
}
