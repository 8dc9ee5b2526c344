/**
 * Months and days of the utility's calendar: pure functions over plain values, no clock unless an
 * instant is passed in. A billing month (`Period`) is written 'YYYY-MM' in URLs, pages and code,
 * and stored as its first day 'YYYY-MM-01' (`MonthStart`) in the database; this module is the one
 * place that converts between the two. Days are 'YYYY-MM-DD'. The utility's time zone is
 * Asia/Almaty, UTC+5 all year (Kazakhstan keeps no summer time).
 */

type MonthNumber = '01' | '02' | '03' | '04' | '05' | '06' | '07' | '08' | '09' | '10' | '11' | '12';

/**
 * A billing month, 'YYYY-MM'. A literal ('2026-04') is one, a plain string is not: text from a
 * request, a file or a database row becomes a Period through `toPeriod`, `readPeriod` or
 * `periodOfDay`, which check it.
 */
export type Period = `${number}-${MonthNumber}`;

/** The first day of a billing month as the database stores it, 'YYYY-MM-01'. */
export type MonthStart = `${number}-${MonthNumber}-01`;

const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])$/;
const DAY = /^(\d{4})-(0[1-9]|1[0-2])-(\d{2})$/;
const DAY_MS = 86_400_000;
/** Asia/Almaty's offset from UTC. */
export const ALMATY_OFFSET_MS = 5 * 3_600_000;

export function isPeriod(text: string): text is Period {
  return PERIOD.test(text);
}

/** The period a text names, or null when it names none ('2026-13', '2026-4', ''). */
export function readPeriod(text: string): Period | null {
  return isPeriod(text) ? text : null;
}

/** The period a text names; throws on anything else (for values that must already be valid). */
export function toPeriod(text: string): Period {
  if (!isPeriod(text)) throw new RangeError(`not a period: ${text}`);
  return text;
}

export function parsePeriod(period: Period): { year: number; month: number } {
  const match = PERIOD.exec(period);
  if (!match) throw new RangeError(`not a period: ${period}`);
  return { year: Number(match[1]), month: Number(match[2]) };
}

export function makePeriod(year: number, month: number): Period {
  if (
    !Number.isInteger(year) ||
    year < 0 ||
    year > 9999 ||
    !Number.isInteger(month) ||
    month < 1 ||
    month > 12
  ) {
    throw new RangeError(`not a month: ${year}-${month}`);
  }
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}` as Period;
}

/** The database form of a period: its first day. */
export function monthStart(period: Period): MonthStart {
  parsePeriod(period);
  return `${period}-01`;
}

/** The period a day ('YYYY-MM-DD', e.g. a database date or a month's first day) belongs to. */
export function periodOfDay(day: string): Period {
  const match = DAY.exec(day.slice(0, 10));
  if (!match) throw new RangeError(`not a day: ${day}`);
  return `${match[1]}-${match[2]}` as Period;
}

export function addMonths(period: Period, months: number): Period {
  const { year, month } = parsePeriod(period);
  const index = year * 12 + (month - 1) + months;
  return makePeriod(Math.floor(index / 12), (index % 12) + 1);
}

export const nextPeriod = (period: Period): Period => addMonths(period, 1);
export const previousPeriod = (period: Period): Period => addMonths(period, -1);

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

export function daysInMonth(period: Period): number {
  const { year, month } = parsePeriod(period);
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** A month's last day, 'YYYY-MM-DD'. */
export function lastDay(period: Period): string {
  return dayOf(period, daysInMonth(period));
}

/** Day `n` of a month, 'YYYY-MM-DD' (n is not checked against the month's length). */
export function dayOf(period: Period, n: number): string {
  return `${period}-${String(n).padStart(2, '0')}`;
}

/** The first day of the month after `period`. */
export function firstDayAfter(period: Period): MonthStart {
  return monthStart(nextPeriod(period));
}

/** Payment for a month is due by the 25th of the following month (SPEC.md section 4). */
export function dueDate(period: Period): string {
  return dayOf(nextPeriod(period), 25);
}

/** Whether a text is a real calendar day 'YYYY-MM-DD' (not 2026-02-30). */
export function isCalendarDay(text: string): boolean {
  const match = DAY.exec(text);
  if (!match) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

/** Whole days from day a to day b ('YYYY-MM-DD'); negative when b is earlier. */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}

/** The day `days` after `day` (before it when negative), 'YYYY-MM-DD'. */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** 'YYYY-MM-DD' of an instant in the utility's time zone. */
export function localDate(instant: Date): string {
  return localDateTime(instant).slice(0, 10);
}

/** 'YYYY-MM-DD HH:MM' of an instant in the utility's time zone. */
export function localDateTime(instant: Date): string {
  return new Date(instant.getTime() + ALMATY_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

/** The month an instant falls in, in the utility's time zone. */
export function periodOf(instant: Date): Period {
  return periodOfDay(localDate(instant));
}

/** The instant a day starts in the utility's time zone (its midnight). */
export function startOfLocalDay(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) - ALMATY_OFFSET_MS);
}

/** A day as people here write it on pages and documents: '25.05.2020'. */
export function formatDay(day: string | null | undefined): string {
  if (!day) return '';
  const [y, m, d] = day.slice(0, 10).split('-');
  return `${d}.${m}.${y}`;
}

/** An instant as Almaty wall time written the same way: '25.05.2020 14:03'. */
export function formatInstant(instant: Date | null | undefined): string {
  if (!instant) return '';
  const local = localDateTime(instant);
  return `${formatDay(local.slice(0, 10))} ${local.slice(11, 16)}`;
}
