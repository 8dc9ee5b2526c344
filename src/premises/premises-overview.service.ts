import { monthStart, periodOf } from '../calendar/calendar';
import type { DB } from '../db/database';
import type { Locale } from '../i18n/locales';
import { periodStatus } from '../readings/readings.queries';
import { type PremisesAccount, premisesOfUser } from './premises.queries';
import { type ListQuery, listPage } from './premises-list';

/**
 * The overview of a user's accounts: one page of them (search, order, paging) with balances and
 * last readings. Two statements whatever the number of accounts: the accounts, and nothing else
 * per account (premisesOfUser reads balances and meters in the same statement).
 */
export async function premisesOverview(
  db: DB,
  input: { userId: number; locale: Locale; query: ListQuery; now: Date },
) {
  const current = monthStart(periodOf(input.now));
  const all = await premisesOfUser(db, input.userId, current);
  const page = listPage(all, input.query, input.locale);
  return { ...page, accounts: all.length, current, query: input.query };
}

/** The bulk readings form's facts: every account with its meters, the open month and whether it takes readings. */
export async function bulkReadingsForm(
  db: DB,
  input: { userId: number; now: Date },
): Promise<{ accounts: PremisesAccount[]; current: string; periodOpen: boolean }> {
  const current = monthStart(periodOf(input.now));
  const [accounts, status] = await Promise.all([
    premisesOfUser(db, input.userId, current),
    periodStatus(db, current),
  ]);
  return { accounts, current, periodOpen: status !== 'closed' };
}
