import { sql } from 'kysely';
import { batched, perDatabase, STATEMENT_BATCHES } from '../db/batching';
import { type DB, prepared } from '../db/database';

/** A month's row of billing_periods: whether it is open or closed, and when it was closed. */
export interface BillingPeriodRow {
  status: 'open' | 'closed';
  closedAt: Date | null;
}

/**
 * The billing_periods row of a month ('YYYY-MM-01'), or null when the month has none. Pages ask it
 * for the month's status and its documents' cut-off; requests arriving together share one
 * statement (`batched`), sent after each of them asked.
 */
export function billingPeriodRow(db: DB, period: string): Promise<BillingPeriodRow | null> {
  return periodLookup(db)(period);
}

const periodLookup = perDatabase((db: DB) =>
  batched(async (periods: readonly string[]) => {
    const result = await sql<{ asked: string; status: 'open' | 'closed'; closedAt: Date | null }>`${prepared}
      select q.asked, b.status, b.closed_at as "closedAt"
      from unnest(${[...new Set(periods)]}::text[]) as q(asked)
      join billing_periods b on b.period = q.asked::date`.execute(db);
    const byPeriod = new Map(result.rows.map((r) => [r.asked, { status: r.status, closedAt: r.closedAt }]));
    return periods.map((p) => byPeriod.get(p) ?? null);
  }, STATEMENT_BATCHES),
);
