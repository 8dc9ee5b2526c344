import { afterAll, beforeAll } from 'vitest';
import type { DB } from '../../src/db/database';
import { demoDatabase, type TestDatabase, testDatabase } from './db';

/** The engine the tests run on, for the titles of the describe blocks. */
export const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';

/**
 * A database of its own for the tests of one file: a fresh migrated one, or one with the demo
 * city of that size; opened before the first test, handed to `opened`, and closed after the last.
 */
export function databaseForFile(
  kind: 'fresh' | { demo: { accounts: number; months: number } },
  opened: (db: DB, handle: TestDatabase) => void,
): void {
  let handle: TestDatabase | undefined;
  beforeAll(async () => {
    handle = kind === 'fresh' ? await testDatabase() : await demoDatabase(kind.demo);
    opened(handle.db, handle);
  });
  afterAll(async () => handle?.close());
}

/** The audit actions a user did, oldest first. */
export async function auditActionsOf(db: DB, userId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('audit_log')
    .select('action')
    .where('actor_user_id', '=', userId)
    .orderBy('id')
    .execute();
  return rows.map((r) => r.action);
}

/** The mails queued to one address, oldest first. */
export function mailsTo(db: DB, to: string) {
  return db.selectFrom('mail_outbox').selectAll().where('to_address', '=', to).orderBy('id').execute();
}
