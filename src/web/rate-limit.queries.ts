import { sql } from 'kysely';
import type { DB } from '../db/database';

/** Counts one hit of a key in its window; returns the hits so far and the window's remaining ms. */
export async function hitCounter(
  db: DB,
  key: string,
  windowMs: number,
): Promise<{ current: number; ttl: number }> {
  const [counted] = await hitCounters(db, [{ key, windowMs }]);
  return counted!;
}

/**
 * Counts one hit of each key in its window, all in one statement (an action limited per user and
 * per client address costs one round trip and one commit, not two). A key given twice counts two
 * hits. The rows are locked in the order of their keys, so two statements counting the same keys
 * wait for each other instead of deadlocking (the purge skips rows in use). Answers per key given,
 * in order.
 */
export async function hitCounters(
  db: DB,
  counters: { key: string; windowMs: number }[],
): Promise<{ current: number; ttl: number }[]> {
  if (!counters.length) return [];
  // Well-formed text (a lone surrogate, typed or left by the cut, becomes U+FFFD as PostgreSQL
  // stores it), so the answers match their keys below.
  const keys = counters.map((c) => c.key.slice(0, 300).toWellFormed());
  const result = await sql<{ key: string; hits: number; ttl: number }>`
    insert into rate_limits (key, hits, reset_at)
    select q.key, count(*)::int, now() + max(q.window_ms) * interval '1 millisecond'
    from unnest(${keys}::text[], ${counters.map((c) => c.windowMs)}::bigint[]) as q(key, window_ms)
    group by q.key
    order by q.key
    on conflict (key) do update set
      hits = case when rate_limits.reset_at <= now() then excluded.hits else rate_limits.hits + excluded.hits end,
      reset_at = case when rate_limits.reset_at <= now() then excluded.reset_at else rate_limits.reset_at end
    returning key, hits, greatest(0, ceil(extract(epoch from (reset_at - now())) * 1000))::int as ttl`.execute(
    db,
  );
  const byKey = new Map(result.rows.map((r) => [r.key, { current: r.hits, ttl: r.ttl }]));
  // Every key given comes back (the statement stores and returns each as given): a missing one is
  // an error, never counted as a first hit (the limit would then let every attempt through).
  return keys.map((key) => {
    const counted = byKey.get(key);
    if (!counted) throw new Error('a rate-limit counter was not returned by its statement');
    return counted;
  });
}

/**
 * Drops the counters whose window has ended. A counter being counted just now is left for the next
 * purge (skip locked): the purge never waits for a request's counting, nor it for the purge.
 */
export async function purgeRateLimits(db: DB): Promise<void> {
  await sql`delete from rate_limits where key in (
    select key from rate_limits where reset_at < now() for update skip locked)`.execute(db);
}

/** The hits counted for a key in its window still open, and the window's remaining seconds. */
export function openWindow(db: DB, key: string) {
  return db
    .selectFrom('rate_limits')
    .select([
      'hits',
      sql<number>`greatest(0, ceil(extract(epoch from (reset_at - now()))))::int`.as('seconds'),
    ])
    .where('key', '=', key)
    .where('reset_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
}
