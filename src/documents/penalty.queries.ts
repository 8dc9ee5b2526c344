import type { PenaltySegment } from '../billing/penalty';
import { monthStart, type Period } from '../calendar/calendar';
import { anyId, type DB, executePrepared } from '../db/database';

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
  return (await penaltyBases(db, [accountId], period)).get(accountId) ?? [];
}

/** penaltyBasis of several accounts for one month, in one statement; accounts without one are left out. */
export async function penaltyBases(
  db: DB,
  accountIds: readonly number[],
  period: Period,
): Promise<Map<number, PenaltySegment[]>> {
  const out = new Map<number, PenaltySegment[]>();
  if (accountIds.length === 0) return out;
  const query = db
    .selectFrom('penalty_days')
    .select(['account_id', 'from_on', 'to_on', 'days', 'overdue_tiyn', 'refinancing_rate_bp', 'coefficient'])
    .where(anyId('account_id', accountIds))
    .where('period', '=', monthStart(period))
    .orderBy('account_id')
    .orderBy('from_on');
  const rows = await executePrepared(db, query);
  for (const r of rows) {
    const segment: PenaltySegment = {
      from: r.from_on,
      to: r.to_on,
      days: r.days,
      overdueTiyn: r.overdue_tiyn,
      rateBp: r.refinancing_rate_bp,
      coefficient: plainDecimal(String(r.coefficient)),
    };
    const list = out.get(r.account_id);
    if (list) list.push(segment);
    else out.set(r.account_id, [segment]);
  }
  return out;
}
