import { addMonths, monthsBetween, type Period, periodOfDay, periodRange } from '../calendar/calendar';
import type { ReadingStatus, Water } from '../db/schema';
import type { Litres } from '../money/litres';

export interface CountedReading {
  meterId: number;
  /** 'YYYY-MM-01' */
  period: string;
  valueL: Litres;
  status: ReadingStatus;
  id: number;
}

export interface MonthlyConsumption {
  period: Period;
  coldL: Litres | null;
  hotL: Litres | null;
}

/**
 * Monthly consumption per water kind from meter readings: for each meter, the reading that counts
 * in a month (the newest not rejected) minus the one that counted before it, spread evenly over the
 * months in between when some were skipped. A drop (replacement, rollover) yields no figure rather
 * than a negative one. Months without any figure for a water kind are null (no bar), not zero.
 */
export function monthlyConsumption(
  meters: { id: number; water: Water }[],
  readings: CountedReading[],
  baseline: { meterId: number; valueL: Litres; period: string }[],
  from: Period,
  to: Period,
): MonthlyConsumption[] {
  const months = periodRange(from, to);
  const out = new Map<Period, MonthlyConsumption>(
    months.map((p) => [p, { period: p, coldL: null, hotL: null }]),
  );
  for (const meter of meters) {
    const counting = new Map<Period, CountedReading>();
    for (const r of readings) {
      if (r.meterId !== meter.id || r.status === 'rejected') continue;
      const p = periodOfDay(r.period);
      const seen = counting.get(p);
      if (!seen || r.id > seen.id) counting.set(p, r);
    }
    const base = baseline.find((b) => b.meterId === meter.id);
    let prev: { period: Period; valueL: Litres } | null = base
      ? { period: periodOfDay(base.period), valueL: base.valueL }
      : null;
    for (const p of [...counting.keys()].sort()) {
      const r = counting.get(p)!;
      if (prev && r.valueL >= prev.valueL) {
        const gap = Math.max(1, monthsBetween(prev.period, p));
        const total = r.valueL - prev.valueL;
        for (let i = 0; i < gap; i++) {
          // Whole litres: the first months carry the remainder so the sum is exact.
          const share = Math.floor(total / gap) + (i < total % gap ? 1 : 0);
          const month = out.get(addMonths(p, -(gap - 1 - i)));
          if (!month) continue;
          if (meter.water === 'cold') month.coldL = (month.coldL ?? 0) + share;
          else month.hotL = (month.hotL ?? 0) + share;
        }
      }
      prev = { period: p, valueL: r.valueL };
    }
  }
  return months.map((p) => out.get(p)!);
}
