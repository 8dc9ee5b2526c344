import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  daysBetween,
  daysInMonth,
  dueDate,
  firstDayAfter,
  formatDay,
  formatInstant,
  isCalendarDay,
  lastDay,
  localDate,
  localDateTime,
  makePeriod,
  monthStart,
  monthsBetween,
  nextPeriod,
  periodOf,
  periodOfDay,
  periodRange,
  previousPeriod,
  readPeriod,
  startOfLocalDay,
  toPeriod,
} from './calendar';

describe('periods', () => {
  it('reads a month and refuses what is not one', () => {
    expect(readPeriod('2026-04')).toBe('2026-04');
    for (const text of ['2026-13', '2026-00', '2026-4', '2026-04-01', ' 2026-04', '']) {
      expect(readPeriod(text), text).toBeNull();
      expect(() => toPeriod(text), text).toThrow(RangeError);
    }
  });
  it('converts to and from the database form', () => {
    expect(monthStart('2026-04')).toBe('2026-04-01');
    expect(periodOfDay('2026-04-01')).toBe('2026-04');
    expect(periodOfDay('2026-12-31')).toBe('2026-12');
    expect(() => periodOfDay('2026-4-01')).toThrow(RangeError);
    expect(makePeriod(2026, 1)).toBe('2026-01');
    expect(() => makePeriod(2026, 13)).toThrow(RangeError);
  });
  it('steps over years', () => {
    expect(addMonths('2019-12', 1)).toBe('2020-01');
    expect(addMonths('2020-01', -1)).toBe('2019-12');
    expect(addMonths('2020-01', -13)).toBe('2018-12');
    expect(nextPeriod('2025-12')).toBe('2026-01');
    expect(previousPeriod('2026-01')).toBe('2025-12');
    expect(monthsBetween('2019-11', '2020-02')).toBe(3);
    expect(periodRange('2019-11', '2020-02')).toEqual(['2019-11', '2019-12', '2020-01', '2020-02']);
    expect(periodRange('2020-02', '2019-11')).toEqual([]);
  });
  it('knows month lengths, leap years included', () => {
    expect(daysInMonth('2024-02')).toBe(29);
    expect(daysInMonth('2025-02')).toBe(28);
    expect(daysInMonth('2100-02')).toBe(28);
    expect(daysInMonth('2026-04')).toBe(30);
    expect(lastDay('2024-02')).toBe('2024-02-29');
    expect(lastDay('2026-12')).toBe('2026-12-31');
    expect(firstDayAfter('2026-12')).toBe('2027-01-01');
    expect(dueDate('2025-12')).toBe('2026-01-25');
  });
});

describe('days', () => {
  it('tells real days from look-alikes', () => {
    expect(isCalendarDay('2024-02-29')).toBe(true);
    expect(isCalendarDay('2025-02-29')).toBe(false);
    expect(isCalendarDay('2026-04-31')).toBe(false);
    expect(isCalendarDay('2026-4-1')).toBe(false);
  });
  it('counts and steps days', () => {
    expect(daysBetween('2026-02-25', '2026-03-01')).toBe(4);
    expect(daysBetween('2026-03-01', '2026-02-25')).toBe(-4);
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
  });
  it('takes Almaty time (UTC+5) for an instant', () => {
    const lateUtc = new Date('2026-04-30T19:30:00Z'); // 00:30 on 1 May in Almaty
    expect(localDate(lateUtc)).toBe('2026-05-01');
    expect(localDateTime(lateUtc)).toBe('2026-05-01 00:30');
    expect(periodOf(lateUtc)).toBe('2026-05');
    expect(periodOf(new Date('2026-04-30T18:59:59Z'))).toBe('2026-04');
    expect(startOfLocalDay('2026-05-01').toISOString()).toBe('2026-04-30T19:00:00.000Z');
  });
  it('writes days and instants as documents do', () => {
    expect(formatDay('2020-05-25')).toBe('25.05.2020');
    expect(formatDay(null)).toBe('');
    expect(formatInstant(new Date('2020-05-25T09:03:00Z'))).toBe('25.05.2020 14:03');
    expect(formatInstant(undefined)).toBe('');
  });
});
