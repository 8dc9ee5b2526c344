import { monthStart, type Period, periodOfDay } from '../calendar/calendar';
import type { DB } from '../db/database';
import type { Litres } from '../money/litres';
import { meterHistories } from './counting-reading.queries';
import { HISTORY_MONTHS, type MonthlyLimit, monthlyLimit, monthlyVolumes } from './large-consumption';

/** The monthly large-consumption limit of a meter for a month (large-consumption.ts). */
export type LimitOf = (meterId: number, period: Period) => MonthlyLimit;

/**
 * The large-consumption limits of these meters for these months, from their histories read in
 * one statement; a meter or month not asked for gets the fixed threshold `fixedL`.
 */
export async function consumptionLimits(
  db: DB,
  asked: { meterId: number; period: Period }[],
  fixedL: Litres,
): Promise<LimitOf> {
  const unique = new Map(asked.map((a) => [`${a.meterId}:${a.period}`, a]));
  const rows = await meterHistories(
    db,
    [...unique.values()].map((a) => ({ meterId: a.meterId, before: monthStart(a.period) })),
    HISTORY_MONTHS,
  );
  const readings = new Map<string, { period: string; valueL: Litres }[]>();
  for (const r of rows) {
    const key = `${r.meterId}:${periodOfDay(r.before)}`;
    readings.set(key, [...(readings.get(key) ?? []), { period: r.period, valueL: r.valueL }]);
  }
  const limits = new Map<string, MonthlyLimit>();
  for (const [key, a] of unique)
    limits.set(key, monthlyLimit(monthlyVolumes(readings.get(key) ?? [], a.period), fixedL));
  const fixed = monthlyLimit([], fixedL);
  return (meterId, period) => limits.get(`${meterId}:${period}`) ?? fixed;
}
