import { isCalendarDay, makePeriod, monthStart } from '../calendar/calendar';
import { parseTiyn } from '../money/tiyn';
import type { ExchangeMessage } from './exchange.messages';

/** A parsed cell, or the reason it is not acceptable. Pure functions: no database, no clock. */
export type Parsed<T> =
  | { ok: true; value: T }
  | { ok: false; code: ExchangeMessage; params?: Record<string, string> };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (code: ExchangeMessage, params: Record<string, string> = {}): Parsed<never> => ({
  ok: false,
  code,
  params,
});

export type FieldParser<T> = (text: string) => Parsed<T>;

export const text =
  (max = 200): FieldParser<string> =>
  (s) =>
    s.length <= max ? ok(s) : fail('badText');

export const code: FieldParser<string> = (s) =>
  /^\S{1,40}$/.test(s) ? ok(s) : fail('badCode', { value: s });

/** 'YYYY-MM-DD' or 'DD.MM.YYYY' (as Kazakh accounting exports write it), a real calendar day. */
export const date: FieldParser<string> = (s) => {
  let iso: string | undefined;
  const a = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  const b = /^(\d{2})\.(\d{2})\.(\d{4})$/.exec(s);
  if (a) iso = `${a[1]}-${a[2]}-${a[3]}`;
  else if (b) iso = `${b[3]}-${b[2]}-${b[1]}`;
  if (!iso) return fail('badDate', { value: s });
  if (!isCalendarDay(iso)) return fail('badDate', { value: s });
  return ok(iso);
};

/** A billing month, 'YYYY-MM', 'YYYY-MM-01' or 'MM.YYYY'; stored as its first day. */
export const period: FieldParser<string> = (s) => {
  const a = /^(\d{4})-(0[1-9]|1[0-2])(?:-01)?$/.exec(s);
  if (a) return ok(monthStart(makePeriod(Number(a[1]), Number(a[2]))));
  const b = /^(0[1-9]|1[0-2])\.(\d{4})$/.exec(s);
  if (b) return ok(monthStart(makePeriod(Number(b[2]), Number(b[1]))));
  return fail('badPeriod', { value: s });
};

/** Decimal tenge to exact tiyn ("1749.50" -> 174950). */
export const tiyn: FieldParser<number> = (s) => {
  const value = parseTiyn(s);
  return value === null ? fail('badMoney', { value: s }) : ok(value);
};

/** Decimal cubic metres to exact litres ("117.5" -> 117500). */
export const litres: FieldParser<number> = (s) => {
  const m = /^(\d{1,9})(?:[.,](\d{1,3}))?$/.exec(s);
  if (!m) return fail('badVolume', { value: s });
  return ok(Number(m[1]) * 1000 + Number((m[2] ?? '').padEnd(3, '0')));
};

export const int =
  (min = 0, max = 1_000_000): FieldParser<number> =>
  (s) => {
    if (!/^-?\d{1,9}$/.test(s)) return fail('badInt', { value: s });
    const n = Number(s);
    return n >= min && n <= max ? ok(n) : fail('badInt', { value: s });
  };

/** A percentage to basis points ("16" -> 1600, "16.5" -> 1650). */
export const percentBp: FieldParser<number> = (s) => {
  const m = /^(\d{1,3})(?:[.,](\d{1,2}))?$/.exec(s);
  if (!m) return fail('badPercent', { value: s });
  return ok(Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0')));
};

/** A non-negative decimal kept as exact text for a numeric column ("120", "0.5"). */
export const decimal =
  (scale: number): FieldParser<string> =>
  (s) => {
    const m = new RegExp(`^(\\d{1,8})(?:[.,](\\d{1,${scale}}))?$`).exec(s);
    if (!m) return fail('badDecimal', { value: s });
    return ok(m[2] ? `${m[1]}.${m[2]}` : (m[1] as string));
  };

export const choice =
  <T extends string>(...allowed: T[]): FieldParser<T> =>
  (s) =>
    (allowed as string[]).includes(s)
      ? ok(s as T)
      : fail('badChoice', { value: s, allowed: allowed.join(', ') });

export const month: FieldParser<number> = (s) =>
  /^\d{1,2}$/.test(s) && Number(s) >= 1 && Number(s) <= 12 ? ok(Number(s)) : fail('badMonth', { value: s });
