import { addMonths, monthsBetween, type Period, periodOfDay } from '../calendar/calendar';
import type { Litres } from '../money/litres';

/**
 * When a month's consumption on a meter is "large" and the customer is asked to confirm it (the
 * reading is then flagged for an operator), decision 131:
 *
 * - A meter with history (at least MIN_HISTORY_MONTHS months with a known volume among the
 *   HISTORY_MONTHS months before the one submitted) is compared with itself: a month is large when
 *   it is more than HISTORY_FACTOR times the median of those months' volumes, and never below
 *   FLOOR_L (a meter that stood still asks nothing for a few cubic metres).
 * - A meter without history (a new meter, a new account) uses the fixed threshold of the
 *   configuration (READING_CONFIRM_M3).
 *
 * Pure: the volumes come from counting-reading.queries.ts (meterHistories).
 */
export const HISTORY_MONTHS = 12;
export const MIN_HISTORY_MONTHS = 3;
export const HISTORY_FACTOR = 3;
/** The smallest monthly limit a history gives, litres. */
export const FLOOR_L: Litres = 3_000;

export interface MonthlyLimit {
  /** Monthly consumption above which a reading is large, litres. */
  perMonthL: Litres;
  /** 'history': HISTORY_FACTOR × the median of `months` months; 'fixed': the configured threshold. */
  basis: 'history' | 'fixed';
  months: number;
  medianL: Litres | null;
}

/** A reading that counts of one meter: the month it counts for ('YYYY-MM-01') and its value. */
export interface CountingValue {
  period: string;
  valueL: Litres;
}

/**
 * The volumes of the HISTORY_MONTHS months before `before` from a meter's readings that count
 * (any order; one per month), as the bill reads them: a reading minus the one before it, spread
 * evenly over the months in between when some were skipped. A drop (replacement, rollover) gives
 * no volume for its months. Months without a volume are left out.
 */
export function monthlyVolumes(readings: CountingValue[], before: Period): Litres[] {
  const from = addMonths(before, -HISTORY_MONTHS);
  const sorted = [...readings].sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : 0));
  const out: Litres[] = [];
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    const p = periodOfDay(cur.period);
    if (p >= before || cur.valueL < prev.valueL) continue;
    const gap = Math.max(1, monthsBetween(periodOfDay(prev.period), p));
    const total = cur.valueL - prev.valueL;
    for (let k = 0; k < gap; k++) {
      if (addMonths(p, -(gap - 1 - k)) < from) continue;
      out.push(Math.floor(total / gap) + (k < total % gap ? 1 : 0));
    }
  }
  return out;
}

/** The median of whole litres (the mean of the middle two, rounded, for an even count). */
export function medianL(values: Litres[]): Litres {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : Math.round((s[mid - 1]! + s[mid]!) / 2);
}

/** The monthly limit of a meter from its months' volumes (monthlyVolumes) and the fixed threshold. */
export function monthlyLimit(volumes: Litres[], fixedL: Litres): MonthlyLimit {
  if (volumes.length < MIN_HISTORY_MONTHS) {
    return { perMonthL: fixedL, basis: 'fixed', months: volumes.length, medianL: null };
  }
  const median = medianL(volumes);
  return {
    perMonthL: Math.max(FLOOR_L, HISTORY_FACTOR * median),
    basis: 'history',
    months: volumes.length,
    medianL: median,
  };
}

/**
 * The limit for a reading `months` months after the previous one that counts (at least one):
 * the monthly limit times the months the consumption covers.
 */
export function limitOverL(limit: MonthlyLimit, months: number): Litres {
  return limit.perMonthL * Math.max(1, months);
}
