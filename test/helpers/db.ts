import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type DatabaseHandle, type DB, openDatabase } from '../../src/db/database';
import { migrateToLatest } from '../../src/db/migrate';
import { loadDemoDataIfEmpty } from '../../src/demo/demo-data';

/** "Today" in tests, so demo data and periods are the same on every run. */
export const TEST_NOW = new Date('2026-11-25T06:00:00Z');

/** A test database; `url` is set when it lives on a PostgreSQL server other processes can reach. */
export type TestDatabase = DatabaseHandle & { url?: string };

/**
 * A fresh, migrated database for one test file: in-memory PGlite by default, or a new database
 * on the PostgreSQL server named by TEST_DATABASE_URL (dropped again by close()).
 */
export async function testDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const handle = await openDatabase({ dataDir: 'memory://' });
    await migrateToLatest(handle.db);
    return handle;
  }
  const name = `cabinet_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ url: url.toString(), poolSize: 5 });
  await migrateToLatest(handle.db);
  return {
    ...handle,
    url: url.toString(),
    async close() {
      await handle.close();
      const cleanup = new pg.Client({ connectionString: serverUrl });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

/** A database with the seed's accounts and a small synthetic city (fast to load). */
export async function demoDatabase(
  options: { accounts?: number; months?: number } = {},
): Promise<TestDatabase> {
  const handle = await testDatabase();
  await loadDemoDataIfEmpty(handle.db, {
    now: TEST_NOW,
    accounts: options.accounts ?? 30,
    months: options.months ?? 12,
  });
  return handle;
}

/** Accounts with meters that no user has signed up for yet, in id order (bench and tests sign up their own customers). */
export function meteredAccountsWithoutUser(db: DB, limit: number) {
  return db
    .selectFrom('accounts')
    .select(['id', 'number'])
    .where((eb) =>
      eb.exists(eb.selectFrom('meters').select('id').whereRef('meters.account_id', '=', 'accounts.id')),
    )
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('user_accounts')
            .select('user_id')
            .whereRef('user_accounts.account_id', '=', 'accounts.id'),
        ),
      ),
    )
    .orderBy('id')
    .limit(limit)
    .execute();
}

/**
 * Signs up `count` customers with confirmed email addresses on demo accounts that have no user
 * yet, in kk, ru and en in turn; `subscribed(i)` says who gets the monthly invoice.
 */
export async function addSubscribers(
  db: DB,
  options: { count: number; login: string; email: string; subscribed?: (i: number) => boolean },
): Promise<void> {
  const accounts = await db
    .selectFrom('accounts')
    .leftJoin('user_accounts', 'user_accounts.account_id', 'accounts.id')
    .select('accounts.id')
    .where('user_accounts.user_id', 'is', null)
    .orderBy('accounts.id')
    .limit(options.count)
    .execute();
  for (const [i, account] of accounts.entries()) {
    const user = await db
      .insertInto('users')
      .values({
        login: `${options.login}-${i}`,
        email: `${options.email}${i}@example.kz`,
        password_hash: 'x',
        customer_kind: 'individual',
        locale: (['kk', 'ru', 'en'] as const)[i % 3],
        email_confirmed_at: new Date(),
        subscribe_invoices: options.subscribed?.(i) ?? true,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.insertInto('user_accounts').values({ user_id: user.id, account_id: account.id }).execute();
  }
}
