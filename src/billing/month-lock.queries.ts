import { sql } from 'kysely';
import type { DB } from '../db/database';
import { LOCK, monthKey } from '../jobs/locks';

/**
 * The lock that orders a month's billing run against changes to what the month bills (readings
 * submitted, flagged readings accepted). Changes hold it shared until they commit; the billing run
 * holds it exclusively while it closes the month, so it sees every change that got in before it,
 * and changes that come after find the month closed. A transaction-level advisory lock: it writes
 * nothing, and a waiting billing run is served before newer changes (no starvation).
 */
const MONTH_LOCK = LOCK.monthChanges;

/** The billing run: waits for changes in flight, then keeps new ones out until it commits. */
export async function lockMonthForClosing(tx: DB, period: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(${MONTH_LOCK}::int, ${monthKey(period)}::int)`.execute(tx);
}

/** A change to the month's readings: waits while the month is being closed. */
export async function shareMonth(tx: DB, period: string): Promise<void> {
  await sql`select pg_advisory_xact_lock_shared(${MONTH_LOCK}::int, ${monthKey(period)}::int)`.execute(tx);
}

/** For a statement that changes the month's readings: true if taken, false while a billing run holds or awaits it. */
export function tryShareMonth(period: string) {
  return sql<boolean>`pg_try_advisory_xact_lock_shared(${MONTH_LOCK}::int, ${monthKey(period)}::int)`;
}
