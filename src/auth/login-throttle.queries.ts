import { sql } from 'kysely';
import type { DB } from '../db/database';

/** The row of every client of a login, and of the login over all clients. */
export const ALL_CLIENTS = '*';

export interface ThrottleCounts {
  /** Failures of this client for this login, and when the last one was. */
  client: { failures: number; lastFailureAt: Date } | null;
  /** Failures of this login over every client. */
  login: { failures: number; lastFailureAt: Date } | null;
  /** The database's clock, so waits are measured on one clock. */
  now: Date;
}

/** The counters of a login for one client and over all clients, counting only recent failures. */
export async function throttleCounts(
  db: DB,
  login: string,
  client: string,
  forgetMs: number,
): Promise<ThrottleCounts> {
  const rows = await sql<{ client: string; failures: number; last_failure_at: Date; now: Date }>`
    select client, failures, last_failure_at, now() as now from login_throttle
    where login = ${login} and client in (${client}, ${ALL_CLIENTS})
      and last_failure_at > now() - ${forgetMs} * interval '1 millisecond'`.execute(db);
  const pick = (c: string) => {
    const r = rows.rows.find((row) => row.client === c);
    return r ? { failures: r.failures, lastFailureAt: new Date(r.last_failure_at) } : null;
  };
  const now = rows.rows[0]?.now ? new Date(rows.rows[0].now) : new Date();
  return { client: pick(client), login: pick(ALL_CLIENTS), now };
}

/**
 * Counts one failure for the client and for the login over all clients, in one statement. A
 * counter whose last failure is older than `forgetMs` starts again at one.
 */
export async function countFailure(db: DB, login: string, client: string, forgetMs: number): Promise<void> {
  await sql`
    insert into login_throttle (login, client, failures, last_failure_at)
    values (${login}, ${client}, 1, now()), (${login}, ${ALL_CLIENTS}, 1, now())
    on conflict (login, client) do update set
      failures = case
        when login_throttle.last_failure_at <= now() - ${forgetMs} * interval '1 millisecond' then 1
        else login_throttle.failures + 1 end,
      last_failure_at = now()`.execute(db);
}

/** A right password from this client forgets its failures (the count over all clients stays). */
export async function forgetClientFailures(db: DB, login: string, client: string): Promise<void> {
  await db.deleteFrom('login_throttle').where('login', '=', login).where('client', '=', client).execute();
}

/** Removes counters nobody has failed on for `forgetMs` (the cleanup worker calls it). */
export async function purgeLoginThrottle(db: DB, forgetMs: number): Promise<void> {
  await db
    .deleteFrom('login_throttle')
    .where('last_failure_at', '<', new Date(Date.now() - forgetMs))
    .execute();
}
