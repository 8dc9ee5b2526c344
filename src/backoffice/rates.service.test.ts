import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, testDatabase } from '../../test/helpers/db';
import { closedMonth, meteredAccount, staffUser } from '../../test/helpers/factories';
import type { StaffActor } from './actor';
import { normDraft, tariffDraft, vatDraft } from './rates';
import { saveRate } from './rates.service';

const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
let handle: TestDatabase;
let actor: StaffActor;
beforeAll(async () => {
  handle = await testDatabase();
  // The months through October are closed: a rate may not change what they billed.
  const account = await meteredAccount(handle.db);
  const [cold, hot] = account.meters;
  await closedMonth(handle.db, '2026-09', { [cold!.id]: 10_000, [hot!.id]: 5_000 });
  await closedMonth(handle.db, '2026-10', { [cold!.id]: 14_000, [hot!.id]: 7_000 });
  const op = await staffUser(handle.db, { role: 'operator' });
  actor = { userId: op.id, ip: '192.0.2.7' };
});
afterAll(async () => handle?.close());

const auditOf = (action: string) =>
  handle.db
    .selectFrom('audit_log')
    .select(['actor_user_id', 'subject', 'ip', 'details'])
    .where('action', '=', action)
    .orderBy('id')
    .execute();

describe('rate forms (pure)', () => {
  it('names each field problem and gives no change then', () => {
    const bad = tariffDraft({ service: 'hot', customer_kind: 'legal', effective_from: 'x', price: '-1' });
    expect(bad.problems).toEqual({ service: 'choose', price: 'price' });
    expect(bad.change).toBeNull();
    const norm = normDraft({
      kind: 'cold_per_person',
      effective_from: '',
      volume: '1',
      season_from: '5',
      season_to: '',
    });
    expect(norm.problems).toEqual({ season_to: 'month' });
    expect(vatDraft({ effective_from: '2027-01-01', rate: '12,5' }).change).toEqual({
      form: 'vat',
      effectiveFrom: '2027-01-01',
      rateBp: 1250,
    });
  });
});

describe(`saveRate refuses (${engine})`, () => {
  it('refuses a date inside a closed month, says the earliest date, and writes nothing', async () => {
    const draft = tariffDraft({
      service: 'cold_water',
      customer_kind: 'individual',
      effective_from: '2026-09-01',
      price: '99.99',
    });
    const result = await saveRate(handle.db, actor, draft);
    expect(result).toEqual({
      kind: 'invalid',
      problems: { effective_from: 'closed' },
      firstOpen: expect.stringMatching(/^\d{4}-\d{2}-01$/),
    });
    if (result.kind !== 'invalid') return;
    expect(result.firstOpen! > '2026-09-01').toBe(true);
    const rows = await handle.db
      .selectFrom('tariffs')
      .select('id')
      .where('effective_from', '=', '2026-09-01')
      .execute();
    expect(rows).toEqual([]);
    expect(await auditOf('tariff.add')).toEqual([]);
  });

  it('reports field and date problems together', async () => {
    const result = await saveRate(
      handle.db,
      actor,
      normDraft({ kind: 'x', effective_from: '2027-01-15', volume: '1', season_from: '', season_to: '' }),
    );
    expect(result).toMatchObject({
      kind: 'invalid',
      problems: { kind: 'choose', effective_from: 'notFirstDay' },
    });
  });
});

describe(`saveRate writes (${engine})`, () => {
  it('adds a tariff, then changes it, with the audit entry saying the previous price', async () => {
    const values = { service: 'sewage', customer_kind: 'legal', effective_from: '2027-01-01', price: '300' };
    expect(await saveRate(handle.db, actor, tariffDraft(values))).toEqual({ kind: 'saved' });
    expect(await saveRate(handle.db, actor, tariffDraft({ ...values, price: '301,5' }))).toEqual({
      kind: 'saved',
    });
    const rows = await handle.db
      .selectFrom('tariffs')
      .select(['service', 'customer_kind', 'price_tiyn_per_m3'])
      .where('effective_from', '=', '2027-01-01')
      .execute();
    expect(rows).toEqual([{ service: 'sewage', customer_kind: 'legal', price_tiyn_per_m3: 30150 }]);
    expect(await auditOf('tariff.add')).toEqual([
      {
        actor_user_id: actor.userId,
        subject: 'sewage/legal/2027-01-01',
        ip: '192.0.2.7',
        details: { price: '300' },
      },
    ]);
    expect((await auditOf('tariff.change')).map((a) => a.details)).toEqual([
      { price: '301.50', previous: '300' },
    ]);
  });

  it('sets a VAT rate and a seasonal norm', async () => {
    await saveRate(handle.db, actor, vatDraft({ effective_from: '2027-02-01', rate: '14' }));
    await saveRate(
      handle.db,
      actor,
      normDraft({
        kind: 'irrigation_per_m2',
        effective_from: '2027-02-01',
        volume: '0,25',
        season_from: '5',
        season_to: '9',
      }),
    );
    const vat = await handle.db
      .selectFrom('vat_rates')
      .selectAll()
      .where('effective_from', '=', '2027-02-01')
      .execute();
    expect(vat.map((v) => v.rate_bp)).toEqual([1400]);
    const norm = await handle.db
      .selectFrom('norms')
      .select(['kind', 'litres', 'season_from_month', 'season_to_month'])
      .where('effective_from', '=', '2027-02-01')
      .execute();
    expect(norm).toEqual([
      { kind: 'irrigation_per_m2', litres: 250, season_from_month: 5, season_to_month: 9 },
    ]);
    expect((await auditOf('vat.set')).map((a) => [a.subject, a.details])).toEqual([
      ['2027-02-01', { rate_bp: 1400 }],
    ]);
    expect((await auditOf('norm.set')).map((a) => a.subject)).toEqual(['irrigation_per_m2/2027-02-01']);
  });
});
