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
  const rowsOf = (result: { rows: unknown[] }) => ({ rows: result.rows }) as { rows: never[] };
  return {
    async executeSql(text: string, values: unknown[]) {
      const query = CompiledQuery.raw(text, values ?? []);
      if (db.isTransaction || !OPENS_TRANSACTION.test(text)) return rowsOf(await db.executeQuery(query));
      // pg-boss installs and migrates its schema as one text that opens a transaction itself. When
      // two processes start on a new database at once, the second one's text fails ("already
      // exists", which pg-boss expects and ignores) and would leave its connection inside the
      // failed transaction, so the next query on it failed and the process did not start.
      return db.connection().execute(async (conn) => {
        try {
          return rowsOf(await conn.executeQuery(query));
        } catch (error) {
          await conn.executeQuery(CompiledQuery.raw('rollback')).catch(() => {});
          throw error;
        }
      });
    },
  };
}

/** A text of several statements that begins a transaction of its own (pg-boss's schema changes). */
const OPENS_TRANSACTION = /^\s*BEGIN\s*;/i;
