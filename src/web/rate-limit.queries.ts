import { sql } from 'kysely';
import type { DB } from '../db/database';

/** Counts one hit of a key in its window; returns the hits so far and the window's remaining ms. */
export async function hitCounter(
  db: DB,
  key: string,
  windowMs: number,
): Promise<{ current: number; ttl: number }> {
  const result = await sql<{ hits: number; ttl: number }>`
    insert into rate_limits (key, hits, reset_at)
    values (${key.slice(0, 300)}, 1, now() + ${windowMs} * interval '1 millisecond')
    on conflict (key) do update set
      hits = case when rate_limits.reset_at <= now() then 1 else rate_limits.hits + 1 end,
      reset_at = case when rate_limits.reset_at <= now() then excluded.reset_at else rate_limits.reset_at end
    returning hits, greatest(0, ceil(extract(epoch from (reset_at - now())) * 1000))::int as ttl`.execute(db);
  const row = result.rows[0];
  return { current: row?.hits ?? 1, ttl: row?.ttl ?? windowMs };
}

/** Drops the counters whose window has ended. */
export async function purgeRateLimits(db: DB): Promise<void> {
  await db.deleteFrom('rate_limits').where('reset_at', '<', new Date()).execute();
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
