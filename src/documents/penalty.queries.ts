import type { PenaltySegment } from '../billing/penalty';
import { monthStart, type Period } from '../calendar/calendar';
import { type DB, executePrepared } from '../db/database';

/** '1.5000' -> '1.5', '1.0000' -> '1': the coefficient as the rates table was written. */
function plainDecimal(text: string): string {
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

/**
 * The basis of an account's penalty of a month as the billing run stored it (penalty_days):
 * runs of days with the same overdue amount, rate and coefficient. Empty when the month has no
 * penalty or it came from the billing system without its basis.
 */
export async function penaltyBasis(db: DB, accountId: number, period: Period): Promise<PenaltySegment[]> {
  const query = db
    .selectFrom('penalty_days')
    .select(['from_on', 'to_on', 'days', 'overdue_tiyn', 'refinancing_rate_bp', 'coefficient'])
    .where('account_id', '=', accountId)
    .where('period', '=', monthStart(period))
    .orderBy('from_on');
  const rows = await executePrepared(db, query);
  return rows.map((r) => ({
    from: r.from_on,
    to: r.to_on,
    days: r.days,
    overdueTiyn: r.overdue_tiyn,
    rateBp: r.refinancing_rate_bp,
    coefficient: plainDecimal(String(r.coefficient)),
  }));
}
