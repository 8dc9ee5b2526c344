import { type Measured, wholeOf } from './unit';

/**
 * Money is an integer number of tiyn (1 tenge = 100 tiyn). Positive balances are debt,
 * negative are overpayment.
 */
export type Tiyn = Measured<'tiyn'>;

/** An amount read from a database row or parsed input, checked to be whole tiyn. */
export function tiyn(value: number | string | bigint): Tiyn {
  return wholeOf<'tiyn'>(Number(value), 'money in tiyn');
}

/**
 * Display form used on invoices and statements, as in the utility's documents:
 * whole tenge without decimals ("7212", "0"), otherwise two decimals ("516.67", "-6713.04").
 */
export function formatTiyn(tiyn: Tiyn): string {
  assertInteger(tiyn);
  const negative = tiyn < 0;
  const abs = Math.abs(tiyn);
  const tenge = Math.floor(abs / 100);
  const rest = abs % 100;
  const body = rest === 0 ? String(tenge) : `${tenge}.${String(rest).padStart(2, '0')}`;
  return negative ? `-${body}` : body;
}

/** Always two decimals, for PDFs' payment QR codes and exports: "7212.00". */
export function formatTiynFixed(tiyn: Tiyn): string {
  assertInteger(tiyn);
  const negative = tiyn < 0;
  const abs = Math.abs(tiyn);
  return `${negative ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Parses "1749.50", "-17.71", "7212", "7212,5" into tiyn; null when not an amount. */
export function parseTiyn(text: string): Tiyn | null {
  const match = /^\s*(-)?(\d{1,13})(?:[.,](\d{1,2}))?\s*$/.exec(text);
  if (!match) return null;
  const [, sign, whole, fraction = ''] = match;
  const value = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  return sign && value !== 0 ? -value : value;
}

export function sumTiyn(values: readonly Tiyn[]): Tiyn {
  let total = 0;
  for (const v of values) {
    assertInteger(v);
    total += v;
  }
  assertInteger(total);
  return total;
}

function assertInteger(value: number): void {
  if (!Number.isSafeInteger(value)) throw new RangeError(`money must be whole tiyn, got ${value}`);
}
