// The overview of a user's accounts: each balance is its invoice's figure, the last readings are
// the ones stored, and the number of statements does not grow with the number of accounts.
import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_NOW, type TestDatabase, testDatabase } from '../../test/helpers/db';
import { closedMonth, customerOf, type MeteredAccount, meteredAccount } from '../../test/helpers/factories';
import { findAccountById } from '../accounts/accounts.queries';
import type { DB } from '../db/database';
import { invoiceLoader } from '../documents/invoice.service';
import { premisesOverview } from './premises-overview.service';

const ENGINE = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
let handle: TestDatabase;
let db: DB;
let accounts: MeteredAccount[] = [];
let userId = 0;
let otherUserId = 0;

/** A database handle that counts the statements sent through it. */
function counting(db: DB) {
  const seen = { statements: 0 };
  const plugin: KyselyPlugin = {
    transformQuery: (args) => {
      seen.statements += 1;
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  return { db: db.withPlugin(plugin), seen };
}

const query = { find: '', sort: 'number' as const, page: 1 };

beforeAll(async () => {
  handle = await testDatabase();
  db = handle.db;
  // Three accounts of one user (one of them billed by norm), one account of another user.
  accounts = [
    await meteredAccount(db, { residents: 2 }),
    await meteredAccount(db, { residents: 4 }),
    await meteredAccount(db, { residents: 3, meters: [] }),
  ];
  const [first, ...rest] = accounts;
  userId = (await customerOf(db, first!)).id;
  await db
    .insertInto('user_accounts')
    .values(rest.map((x) => ({ user_id: userId, account_id: x.id })))
    .execute();
  otherUserId = (await customerOf(db, await meteredAccount(db))).id;
  const meters = accounts.flatMap((x) => x.meters);
  const litres = (n: number) => Object.fromEntries(meters.map((m, i) => [m.id, n * 1000 + i * 750]));
  await closedMonth(db, '2026-09', litres(10));
  await db
    .insertInto('payments')
    .values({
      account_id: first!.id,
      paid_on: '2026-10-10',
      period: '2026-10-01',
      amount_tiyn: 250_000,
      kind: 'regular',
      source: 'billing',
    })
    .execute();
  await closedMonth(db, '2026-10', litres(17));
});
afterAll(async () => handle.close());

describe(`the overview of a user's accounts (${ENGINE})`, () => {
  it("shows each account's balance as its invoice of the last closed month closes", async () => {
    const view = await premisesOverview(db, { userId, locale: 'ru', query, now: TEST_NOW });
    expect(view.accounts).toBe(3);
    expect(view.rows.map((r) => r.number)).toEqual(accounts.map((a) => a.number).sort());
    for (const row of view.rows) {
      const account = (await findAccountById(db, row.id))!;
      const invoice = await invoiceLoader(db, account, '2026-10');
      expect(row.balance).toEqual({ period: '2026-10', closingTiyn: invoice!.closingTiyn });
    }
    // The payment made the first account's balance an overpayment; the others owe.
    const byNumber = new Map(view.rows.map((r) => [r.number, r]));
    expect(byNumber.get(accounts[0]!.number)!.balance!.closingTiyn).toBeLessThan(0);
    expect(byNumber.get(accounts[1]!.number)!.balance!.closingTiyn).toBeGreaterThan(0);
  });

  it('shows the last reading of each meter with its date, and whether the open month has one', async () => {
    const [cold, hot] = accounts[0]!.meters;
    await db
      .insertInto('readings')
      .values({
        meter_id: cold!.id,
        period: '2026-11-01',
        value_l: 19_000,
        read_on: '2026-11-20',
        source: 'cabinet',
        idempotency_key: 'overview-test',
      })
      .execute();
    const view = await premisesOverview(db, { userId, locale: 'en', query, now: TEST_NOW });
    const row = view.rows.find((r) => r.number === accounts[0]!.number)!;
    expect(view.current).toBe('2026-11-01');
    expect(row.meters.map((m) => [m.id, m.last])).toEqual([
      [cold!.id, { valueL: 19_000, readOn: '2026-11-20', period: '2026-11-01', flagged: false }],
      [hot!.id, { valueL: 17_750, readOn: '2026-10-25', period: '2026-10-01', flagged: false }],
    ]);
    expect(view.rows.find((r) => r.number === accounts[2]!.number)!.meters).toEqual([]);
  });

  it('reads the same number of statements for 3 accounts as for 15', async () => {
    const small = counting(db);
    await premisesOverview(small.db, { userId, locale: 'kk', query, now: TEST_NOW });
    for (let i = 0; i < 12; i++) {
      const more = await meteredAccount(db);
      await db.insertInto('user_accounts').values({ user_id: otherUserId, account_id: more.id }).execute();
    }
    const large = counting(db);
    const view = await premisesOverview(large.db, {
      userId: otherUserId,
      locale: 'kk',
      query,
      now: TEST_NOW,
    });
    expect(view.accounts).toBe(13);
    expect(large.seen.statements).toBe(small.seen.statements);
    expect(small.seen.statements).toBe(1);
  });

  it("shows only the user's own accounts", async () => {
    const view = await premisesOverview(db, { userId, locale: 'kk', query, now: TEST_NOW });
    expect(view.rows.map((r) => r.id).sort()).toEqual(accounts.map((a) => a.id).sort());
  });
});
