import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DB } from '../src/db/database';
import { type TestDatabase, testDatabase } from './helpers/db';
import { closedMonth, customerOf, meteredAccount, staffUser } from './helpers/factories';

/**
 * The test factories build what a test needs on an empty database, through the same tables and
 * use cases the portal uses: these tests pin what each factory promises.
 */
const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
let h: TestDatabase;
let db: DB;
beforeAll(async () => {
  h = await testDatabase();
  db = h.db;
});
afterAll(async () => h?.close());

const chargesOf = (accountId: number, period: string) =>
  db
    .selectFrom('charges')
    .select(['service', 'basis', 'quantity_l'])
    .where('account_id', '=', accountId)
    .where('period', '=', `${period}-01`)
    .orderBy('service')
    .execute();

describe(`test factories (${engine})`, () => {
  it('makes accounts with unique numbers, an address and meters of their own', async () => {
    const a = await meteredAccount(db);
    const b = await meteredAccount(db, { kind: 'legal', meters: [{ water: 'cold', verificationDue: null }] });
    expect(a.number).toMatch(/^9\d{7}$/);
    expect(b.number).not.toBe(a.number);
    expect(a.meters.map((m) => m.water)).toEqual(['cold', 'hot']);
    const row = await db
      .selectFrom('accounts')
      .innerJoin('premises', 'premises.id', 'accounts.premise_id')
      .innerJoin('buildings', 'buildings.id', 'premises.building_id')
      .innerJoin('streets', 'streets.id', 'buildings.street_id')
      .select(['accounts.kind', 'streets.name', 'accounts.residents'])
      .where('accounts.id', '=', b.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ kind: 'legal', name: b.street, residents: 3 });
    const meter = await db
      .selectFrom('meters')
      .select('verification_due')
      .where('id', '=', b.meters[0]!.id)
      .executeTakeFirstOrThrow();
    expect(meter.verification_due).toBeNull();
  });

  it('closes months with the real billing run: a month billed by its meters from two readings', async () => {
    const a = await meteredAccount(db);
    const [cold, hot] = a.meters;
    await closedMonth(db, '2026-02', { [cold!.id]: 100_000, [hot!.id]: 50_000 });
    const result = await closedMonth(db, '2026-03', { [cold!.id]: 110_000, [hot!.id]: 54_000 });
    expect(result.accounts).toBeGreaterThan(0);
    expect(await chargesOf(a.id, '2026-03')).toEqual([
      { service: 'cold_water', basis: 'meter', quantity_l: 10_000 },
      { service: 'sewage', basis: 'meter', quantity_l: 14_000 },
    ]);
    const month = await db
      .selectFrom('billing_periods')
      .select('status')
      .where('period', '=', '2026-03-01')
      .executeTakeFirstOrThrow();
    expect(month.status).toBe('closed');
  });

  it('makes customers who can sign in and staff through the same use case as npm run admin', async () => {
    const a = await meteredAccount(db);
    const c = await customerOf(db, a, { locale: 'kk' });
    const link = await db
      .selectFrom('user_accounts')
      .select('account_id')
      .where('user_id', '=', c.id)
      .executeTakeFirstOrThrow();
    expect(link.account_id).toBe(a.id);
    const admin = await staffUser(db, { role: 'admin' });
    const row = await db
      .selectFrom('users')
      .select(['role', 'login'])
      .where('id', '=', admin.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ role: 'admin', login: admin.login });
    const audit = await db
      .selectFrom('audit_log')
      .select('action')
      .where('subject', '=', admin.login)
      .execute();
    expect(audit.map((r) => r.action)).toEqual(['staff.create']);
  });
});
