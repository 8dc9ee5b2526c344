/**
 * Billing months. A period is written 'YYYY-MM' in URLs and 'YYYY-MM-01' in the database.
 */
export type Period = string; // 'YYYY-MM'

const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isPeriod(text: string): boolean {
  return PERIOD.test(text);
}

export function parsePeriod(text: string): { year: number; month: number } {
  const match = PERIOD.exec(text);
  if (!match) throw new RangeError(`not a period: ${text}`);
  return { year: Number(match[1]), month: Number(match[2]) };
}

export function makePeriod(year: number, month: number): Period {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
}

export function periodToDate(period: Period): string {
  parsePeriod(period);
  return `${period}-01`;
}

export function dateToPeriod(date: string): Period {
  return date.slice(0, 7);
}

export function addMonths(period: Period, months: number): Period {
  const { year, month } = parsePeriod(period);
  const index = year * 12 + (month - 1) + months;
  return makePeriod(Math.floor(index / 12), (index % 12) + 1);
}

export function monthsBetween(from: Period, to: Period): number {
  const a = parsePeriod(from);
  const b = parsePeriod(to);
  return (b.year - a.year) * 12 + (b.month - a.month);
}

/** Every period from `from` to `to`, both included. */
export function periodRange(from: Period, to: Period): Period[] {
  const count = monthsBetween(from, to);
  return Array.from({ length: Math.max(0, count + 1) }, (_, i) => addMonths(from, i));
}

/** The month a given calendar day belongs to, in the utility's time zone (Asia/Almaty, UTC+5). */
export function periodOf(instant: Date): Period {
  const local = new Date(instant.getTime() + 5 * 3600_000);
  return makePeriod(local.getUTCFullYear(), local.getUTCMonth() + 1);
}

/** 'YYYY-MM-DD' of an instant in the utility's time zone. */
export function localDate(instant: Date): string {
  return new Date(instant.getTime() + 5 * 3600_000).toISOString().slice(0, 10);
}

export function daysInMonth(period: Period): number {
  const { year, month } = parsePeriod(period);
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Payment for a month is due by the 25th of the following month (SPEC.md section 4). */
export function dueDate(period: Period): string {
  return `${addMonths(period, 1)}-25`;
}

/** Whole days from date a to date b ('YYYY-MM-DD'); negative when b is earlier. */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}
