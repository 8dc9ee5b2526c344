import type { Period } from '../calendar/calendar';
import type { DB } from '../db/database';
import { RUNS, singleFlight } from '../jobs/single-flight';
import { type CloseMonthResult, closeMonth } from './month-closer.service';

/**
 * Closes a month unless a month closing is running in any process: then AlreadyRunning (with
 * since when) at once, instead of waiting for it and computing the same month again.
 */
export function closeMonthOnce(
  db: DB,
  period: Period,
  options: { now?: Date } = {},
): Promise<CloseMonthResult> {
  return singleFlight(db, RUNS.monthClosing, () => closeMonth(db, period, options));
}
