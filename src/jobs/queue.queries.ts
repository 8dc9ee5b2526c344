import { CompiledQuery, type Kysely } from 'kysely';
import type PgBoss from 'pg-boss';
import type { Database } from '../db/schema';

/**
 * pg-boss, the PostgreSQL job queue, running its SQL through our Kysely connection. On PGlite
 * that is a must: the single connection is handed out one holder at a time, so a job query can
 * never land inside another request's transaction. Passing a transaction as `db` to
 * `send(..., { db: jobDb(tx) })` enqueues a job atomically with the change that caused it.
 */
export function jobDb(db: Kysely<Database>): PgBoss.Db {
  return {
    async executeSql(text: string, values: unknown[]) {
      const result = await db.executeQuery(CompiledQuery.raw(text, values ?? []));
      return { rows: result.rows as unknown[] } as { rows: never[] };
    },
  };
}
