// The readings of all a user's accounts at once: each account stored whole or not at all, through
// the single-account use case; only the user's own meters; one key stores once.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TEST_NOW, type TestDatabase, testDatabase } from '../../test/helpers/db';
import { closedMonth, customerOf, type MeteredAccount, meteredAccount } from '../../test/helpers/factories';
import type { DB } from '../db/database';
import { submitPremisesReadings } from './submit-premises-readings.service';

const ENGINE = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
let handle: TestDatabase;
let db: DB;
let a: MeteredAccount;
let b: MeteredAccount;
let c: MeteredAccount;
let stranger: MeteredAccount;
let userId = 0;
let key = 0;

/** September and October closed with readings: cold 100 -> 105 -> 110 m3, hot 50 -> 52 -> 54 m3. */
beforeAll(async () => {
  handle = await testDatabase();
  db = handle.db;
  a = await meteredAccount(db);
  b = await meteredAccount(db);
  c = await meteredAccount(db, { meters: [{ water: 'cold' }] });
  stranger = await meteredAccount(db);
  const user = await customerOf(db, a);
  userId = user.id;
  await db
    .insertInto('user_accounts')
    .values([b, c].map((x) => ({ user_id: userId, account_id: x.id })))
    .execute();
  await customerOf(db, stranger);
  const all = [a, b, c, stranger].flatMap((x) => x.meters);
  const at = (cold: number, hot: number) =>
    Object.fromEntries(all.map((m) => [m.id, (m.water === 'cold' ? cold : hot) * 1000]));
  await db
    .insertInto('readings')
    .values(
      all.map((m) => ({
        meter_id: m.id,
        period: '2026-08-01',
        value_l: m.water === 'cold' ? 100_000 : 50_000,
        read_on: '2026-08-25',
        source: 'billing' as const,
      })),
    )
    .execute();
  await closedMonth(db, '2026-09', at(105, 52));
  await closedMonth(db, '2026-10', at(110, 54));
});
afterAll(async () => handle.close());
beforeEach(async () => {
  await db.deleteFrom('readings').where('period', '=', '2026-11-01').execute();
});

const submit = (
  typed: Record<number, string>,
  options: { key?: string; confirmed?: Record<number, number> } = {},
) =>
  submitPremisesReadings(db, {
    userId,
    typed,
    idempotencyKey: options.key ?? `premises-test-${++key}`,
    confirmedLarge: options.confirmed ?? {},
    confirmThresholdM3: 30,
    maxPerMonth: 20,
    now: TEST_NOW,
  });

const novemberRows = (meterIds: number[]) =>
  db
    .selectFrom('readings')
    .select(['meter_id', 'value_l', 'status'])
    .where('period', '=', '2026-11-01')
    .where('meter_id', 'in', meterIds)
    .orderBy('meter_id')
    .execute();

describe(`readings of all accounts at once (${ENGINE})`, () => {
  it('stores the accounts whose rows pass, refuses the account with a bad row whole, skips empty rows', async () => {
    const [aCold, aHot] = a.meters;
    const [bCold, bHot] = b.meters;
    const [cCold] = c.meters;
    const result = await submit({
      [aCold!.id]: '111.5',
      [aHot!.id]: '55,25',
      // b: the cold row is fine, the hot one lower than October's 54 m3: b stores nothing.
      [bCold!.id]: '112',
      [bHot!.id]: '53',
      [cCold!.id]: '',
    });
    expect(result.foreign).toEqual([]);
    expect(result.accounts.map((o) => [o.accountNumber, o.kind])).toEqual([
      [a.number, 'stored'],
      [b.number, 'invalid'],
    ]);
    const refused = result.accounts[1];
    expect(refused?.kind === 'invalid' && refused.errors).toEqual({
      [bHot!.id]: { problem: 'lower', previousL: 54_000 },
    });
    expect(await novemberRows([aCold!.id, aHot!.id, bCold!.id, bHot!.id, cCold!.id])).toEqual([
      { meter_id: aCold!.id, value_l: 111_500, status: 'accepted' },
      { meter_id: aHot!.id, value_l: 55_250, status: 'accepted' },
    ]);
  });

  it('parses as the readings page does: a typing mistake refuses its account with the same problem', async () => {
    const result = await submit({ [a.meters[0]!.id]: '12a', [c.meters[0]!.id]: '111' });
    expect(result.accounts).toEqual([
      { accountNumber: a.number, kind: 'invalid', errors: { [a.meters[0]!.id]: { problem: 'notNumber' } } },
      expect.objectContaining({ accountNumber: c.number, kind: 'stored', replay: false }),
    ]);
    expect((await novemberRows([a.meters[0]!.id, c.meters[0]!.id])).map((r) => r.meter_id)).toEqual([
      c.meters[0]!.id,
    ]);
  });

  it("refuses another customer's meter and stores nothing for it, while the user's own rows are stored", async () => {
    const foreign = stranger.meters[0]!.id;
    const result = await submit({ [foreign]: '111', [a.meters[0]!.id]: '111' });
    expect(result.foreign).toEqual([foreign]);
    expect(result.accounts.map((o) => [o.accountNumber, o.kind])).toEqual([[a.number, 'stored']]);
    expect(await novemberRows([foreign])).toEqual([]);
    expect(await novemberRows([a.meters[0]!.id])).toHaveLength(1);
  });

  it('stores a form sent twice once: the second answer says it was stored before', async () => {
    const typed = { [a.meters[0]!.id]: '111', [b.meters[0]!.id]: '112' };
    const first = await submit(typed, { key: 'double-submit-key' });
    const second = await submit(typed, { key: 'double-submit-key' });
    expect(first.accounts.map((o) => o.kind === 'stored' && o.replay)).toEqual([false, false]);
    expect(second.accounts.map((o) => o.kind === 'stored' && o.replay)).toEqual([true, true]);
    expect(await novemberRows([a.meters[0]!.id, b.meters[0]!.id])).toHaveLength(2);
  });

  it('asks to confirm a large consumption and stores that account only when the value is confirmed', async () => {
    const big = a.meters[0]!.id;
    const typed = { [big]: '190', [b.meters[0]!.id]: '112' };
    const asked = await submit(typed);
    expect(asked.accounts.map((o) => [o.accountNumber, o.kind])).toEqual([
      [a.number, 'confirm'],
      [b.number, 'stored'],
    ]);
    expect(await novemberRows([big])).toEqual([]);
    // A confirmation of another value does not cover the one sent.
    const otherValue = await submit(typed, { confirmed: { [big]: 180_000 } });
    expect(otherValue.accounts[0]?.kind).toBe('confirm');
    const confirmed = await submit(typed, { confirmed: { [big]: 190_000 } });
    expect(confirmed.accounts[0]?.kind).toBe('stored');
    expect(await novemberRows([big])).toEqual([{ meter_id: big, value_l: 190_000, status: 'flagged' }]);
  });

  it('stores nothing when the month is closed, and says so per account', async () => {
    await db
      .insertInto('billing_periods')
      .values({ period: '2026-11-01', status: 'closed' })
      .onConflict((oc) => oc.column('period').doUpdateSet({ status: 'closed' }))
      .execute();
    try {
      const result = await submit({ [a.meters[0]!.id]: '111', [c.meters[0]!.id]: '111' });
      expect(result.accounts.map((o) => o.kind)).toEqual(['closed', 'closed']);
      expect(await novemberRows([a.meters[0]!.id, c.meters[0]!.id])).toEqual([]);
    } finally {
      await db
        .updateTable('billing_periods')
        .set({ status: 'open' })
        .where('period', '=', '2026-11-01')
        .execute();
    }
  });
});
