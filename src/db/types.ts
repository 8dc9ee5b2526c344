/**
 * Value conversions shared by both engines, so a query returns the same JS values
 * on PostgreSQL and on PGlite:
 * - int8 (tiyn, litres, ids) -> number, refusing values past 2^53 rather than losing digits;
 * - numeric -> string (exact decimal);
 * - date -> 'YYYY-MM-DD' string (a calendar date has no time zone);
 * - timestamptz -> Date (each driver's own parser).
 */
export const OID = { INT8: 20, NUMERIC: 1700, DATE: 1082 } as const;

export function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`integer ${text} is outside the exact range`);
  return n;
}

export const identity = (text: string) => text;
