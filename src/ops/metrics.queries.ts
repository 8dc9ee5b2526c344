import { sql } from 'kysely';
import type { DB } from '../db/database';

/** When the last exchange run (import or export) that succeeded finished, per kind. */
export async function lastSuccessfulExchanges(db: DB): Promise<{ kind: string; finishedAt: Date }[]> {
  const rows = await db
    .selectFrom('exchange_runs')
    .select(['kind', (eb) => eb.fn.max('finished_at').as('finished')])
    .where('status', '=', 'succeeded')
    .where('finished_at', 'is not', null)
    .groupBy('kind')
    .execute();
  return rows
    .filter((r) => r.finished !== null)
    .map((r) => ({ kind: r.kind, finishedAt: new Date(r.finished as unknown as string) }));
}

/**
 * pg-boss jobs waiting to run (created or to be retried), per job name, and the age in seconds of
 * the oldest; empty while pg-boss has not made its tables yet.
 */
export async function queuedJobs(
  db: DB,
): Promise<{ name: string; waiting: number; oldestSeconds: number }[]> {
  const exists = await sql<{ found: boolean }>`select to_regclass('pgboss.job') is not null as found`.execute(
    db,
  );
  if (!exists.rows[0]?.found) return [];
  const result = await sql<{ name: string; waiting: string | number; oldest: string | number | null }>`
    select name, count(*) as waiting,
           extract(epoch from now() - min(created_on)) as oldest
      from pgboss.job
     where state in ('created', 'retry')
     group by name`.execute(db);
  return result.rows.map((r) => ({
    name: r.name,
    waiting: Number(r.waiting),
    oldestSeconds: r.oldest === null ? 0 : Number(r.oldest),
  }));
}
