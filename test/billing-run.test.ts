import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chargeLine, chargesTotal } from '../src/billing/charges';
import { closeMonth } from '../src/billing/month-closer.service';
import type { Period } from '../src/calendar/calendar';
import type { DatabaseHandle } from '../src/db/database';
import { insertValidSubmission, meterStates } from '../src/readings/readings.queries';
import { demoDatabase } from './helpers/db';

const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';

let h: DatabaseHandle;
beforeAll(async () => {
  h = await demoDatabase({ accounts: 40, months: 6 });
});
afterAll(async () => h?.close());

/** An account's cold water charges of a month: how they were billed, and the litres. */
function coldWaterCharges(accountId: number, period: string) {
  return h.db
    .selectFrom('charges')
    .select(['basis', 'quantity_l'])
    .where('account_id', '=', accountId)
    .where('period', '=', period)
    .where('service', '=', 'cold_water')
    .execute();
}

/** A month's ledger rows as plain values, without generated ids. */
async function monthRows(period: string) {
  const charges =
    await sql`select account_id, service, basis, quantity_l, tariff_tiyn_per_m3, vat_bp, amount_tiyn
    from charges where period = ${period} order by account_id, service, basis`.execute(h.db);
  const penalties =
    await sql`select account_id, base_tiyn, days, amount_tiyn from penalties where period = ${period}
    order by account_id`.execute(h.db);
  const penaltyDays =
    await sql`select account_id, from_on, to_on, days, overdue_tiyn, refinancing_rate_bp, coefficient::text as coefficient
    from penalty_days where period = ${period} order by account_id, from_on`.execute(h.db);
  const months = await sql`select * from account_months where period = ${period} order by account_id`.execute(
    h.db,
  );
  const recalculations =
    await sql`select code, account_id, for_period, service, amount_tiyn from recalculations
    where period = ${period} order by code`.execute(h.db);
  return {
    charges: charges.rows,
    penalties: penalties.rows,
    penaltyDays: penaltyDays.rows,
    months: months.rows,
    recalculations: recalculations.rows,
  };
}

/** Seeded random numbers, so a failure can be reproduced. */
function random(seed: number) {
  let a = seed;
  return (n: number) => {
    a = (a * 1_103_515_245 + 12_345) % 2 ** 31;
    return a % n;
  };
}

describe(`built-in billing run (${engine})`, () => {
  it('computing a closed month again reproduces it exactly (the demo history uses the same rules)', async () => {
    const before = await monthRows('2026-10-01');
    expect(before.months.length).toBeGreaterThan(40);
    expect(before.penalties.length).toBeGreaterThan(0);
    const result = await closeMonth(h.db, '2026-10');
    expect(result.wasClosed).toBe(true);
    expect(result.accounts).toBe(before.months.length);
    expect(await monthRows('2026-10-01')).toEqual(before);
  });

  it('refuses a month whose previous month is open', async () => {
    await expect(closeMonth(h.db, '2026-12')).rejects.toThrow('close 2026-11 before 2026-12');
    await expect(closeMonth(h.db, '2026-13' as string as Period)).rejects.toThrow('not a month');
  });

  it('closes the open month; every balance adds up in exact tiyn for random ledgers; running it again changes nothing', async () => {
    // Random payments and recalculations of November for every account.
    const rnd = random(7);
    const accounts = await h.db.selectFrom('accounts').select('id').orderBy('id').execute();
    const payments = [];
    const recalcs = [];
    for (const a of accounts) {
      for (let i = rnd(3); i > 0; i--) {
        payments.push({
          code: `R-${a.id}-${i}`,
          account_id: a.id,
          paid_on: `2026-11-${String(1 + rnd(30)).padStart(2, '0')}`,
          period: '2026-11-01',
          amount_tiyn: 1 + rnd(3_000_000),
          kind: rnd(5) === 0 ? ('compensation' as const) : ('regular' as const),
        });
      }
      if (rnd(4) === 0)
        recalcs.push({
          code: `X-${a.id}`,
          account_id: a.id,
          period: '2026-11-01',
          amount_tiyn: rnd(200_001) - 100_000,
          reason: 'test',
        });
    }
    await h.db.insertInto('payments').values(payments).execute();
    await h.db.insertInto('recalculations').values(recalcs).execute();

    const result = await closeMonth(h.db, '2026-11', { now: new Date('2026-12-02T00:00:00Z') });
    expect([result.wasClosed, result.accounts]).toEqual([false, accounts.length]);
    const periods = await h.db
      .selectFrom('billing_periods')
      .selectAll()
      .where('period', '>=', '2026-11-01')
      .orderBy('period')
      .execute();
    expect(periods.map((p) => [p.period, p.status])).toEqual([
      ['2026-11-01', 'closed'],
      ['2026-12-01', 'open'],
    ]);

    const nov = await monthRows('2026-11-01');
    const oct = await monthRows('2026-10-01');
    const sum = (rows: { account_id: number; amount_tiyn: number }[], id: number) =>
      rows.filter((r) => r.account_id === id).reduce((a, r) => a + r.amount_tiyn, 0);
    const lines = await h.db.selectFrom('charges').selectAll().where('period', '=', '2026-11-01').execute();
    const pen = await h.db.selectFrom('penalties').selectAll().where('period', '=', '2026-11-01').execute();
    let checked = 0;
    for (const m of nov.months as Record<string, number>[]) {
      const id = m.account_id as number;
      const opening =
        (oct.months as Record<string, number>[]).find((o) => o.account_id === id)?.closing_tiyn ?? 0;
      const charged = chargesTotal(
        lines
          .filter((l) => l.account_id === id)
          .map((l) =>
            chargeLine({
              service: l.service,
              basis: l.basis,
              quantityL: l.quantity_l,
              tariffTiynPerM3: l.tariff_tiyn_per_m3,
              vatBp: l.vat_bp,
            }),
          ),
      );
      const paid = sum(payments, id);
      const recalc = sum(recalcs, id);
      const penalty = sum(pen, id);
      expect([m.opening_tiyn, m.charged_tiyn, m.recalculation_tiyn, m.penalty_tiyn, m.paid_tiyn]).toEqual([
        opening,
        charged,
        recalc,
        penalty,
        paid,
      ]);
      expect(m.closing_tiyn).toBe(opening + charged + recalc + penalty - paid);
      checked += 1;
    }
    expect(checked).toBe(accounts.length);
    expect(pen.length).toBeGreaterThan(0);

    const again = await closeMonth(h.db, '2026-11', { now: new Date('2026-12-03T00:00:00Z') });
    expect(again.wasClosed).toBe(true);
    expect(await monthRows('2026-11-01')).toEqual(nov);
    const closedAt = await h.db
      .selectFrom('billing_periods')
      .select('closed_at')
      .where('period', '=', '2026-11-01')
      .executeTakeFirstOrThrow();
    expect(new Date(closedAt.closed_at!).toISOString()).toBe('2026-12-02T00:00:00.000Z');
  });

  it('a reading that arrives after its month closed becomes a recalculation in the next month', async () => {
    // A working cold meter of an individual, without a November reading.
    const meter = await sql<{ id: number; account_id: number; last: number }>`
      select m.id, m.account_id,
        (select value_l from readings r where r.meter_id = m.id order by read_on desc, id desc limit 1) as last
      from meters m join accounts a on a.id = m.account_id
      where m.water = 'cold' and a.kind = 'individual' and m.verification_due > '2026-12-01'
        and not exists (select 1 from readings r where r.meter_id = m.id and r.period = '2026-11-01')
      order by m.id limit 1`.execute(h.db);
    const m = meter.rows[0]!;
    const novBefore = await monthRows('2026-11-01');
    const old = await h.db
      .selectFrom('charges')
      .selectAll()
      .where('account_id', '=', m.account_id)
      .where('period', '=', '2026-11-01')
      .where('basis', '=', 'meter')
      .orderBy('service')
      .execute();
    expect(old.map((c) => c.service)).toEqual(['cold_water', 'sewage']);
    await h.db
      .insertInto('readings')
      .values({
        meter_id: m.id,
        period: '2026-11-01',
        value_l: Number(m.last) + 4321,
        read_on: '2026-11-30',
        source: 'cabinet',
        submitted_at: '2026-12-05T10:00:00+05:00',
      })
      .execute();

    // The closed month keeps its figures when computed again.
    await closeMonth(h.db, '2026-11', { now: new Date('2026-12-06T00:00:00Z') });
    expect(await monthRows('2026-11-01')).toEqual(novBefore);

    const dec = await closeMonth(h.db, '2026-12', { now: new Date('2027-01-02T00:00:00Z') });
    expect(dec.lateRecalculations).toBe(2);
    const expected = old.map((c) => {
      const line = (q: number) =>
        chargesTotal([
          chargeLine({
            service: c.service,
            basis: 'meter',
            quantityL: q,
            tariffTiynPerM3: c.tariff_tiyn_per_m3,
            vatBp: c.vat_bp,
          }),
        ]);
      return line(c.quantity_l + 4321) - line(c.quantity_l);
    });
    const rows = await h.db
      .selectFrom('recalculations')
      .select(['period', 'for_period', 'service', 'amount_tiyn'])
      .where('account_id', '=', m.account_id)
      .where('code', 'like', 'auto:%')
      .orderBy('service')
      .execute();
    expect(rows).toEqual([
      { period: '2026-12-01', for_period: '2026-11-01', service: 'cold_water', amount_tiyn: expected[0] },
      { period: '2026-12-01', for_period: '2026-11-01', service: 'sewage', amount_tiyn: expected[1] },
    ]);
    const decMonth = await h.db
      .selectFrom('account_months')
      .selectAll()
      .where('account_id', '=', m.account_id)
      .where('period', '=', '2026-12-01')
      .executeTakeFirstOrThrow();
    expect(decMonth.recalculation_tiyn).toBe(expected[0]! + expected[1]!);
    expect(await monthRows('2026-11-01')).toEqual(novBefore);

    // Idempotent: December again gives the same rows, and January books nothing twice.
    const decRows = await monthRows('2026-12-01');
    await closeMonth(h.db, '2026-12', { now: new Date('2027-01-03T00:00:00Z') });
    expect(await monthRows('2026-12-01')).toEqual(decRows);
    const jan = await closeMonth(h.db, '2027-01', { now: new Date('2027-02-02T00:00:00Z') });
    expect(jan.lateRecalculations).toBe(0);
  });

  it('a reading being stored when the month is closed is waited for and billed in that month', async () => {
    // A cold meter of a customer's account.
    const meter = await sql<{ id: number; account_id: number; number: string; user_id: number }>`
      select m.id, m.account_id, a.number, ua.user_id from meters m
      join accounts a on a.id = m.account_id
      join user_accounts ua on ua.account_id = a.id
      where m.water = 'cold' and a.kind = 'individual' and m.removed_on is null
        and m.verification_due > '2027-03-01'
        and exists (select 1 from readings r where r.meter_id = m.id)
      order by m.id desc limit 1`.execute(h.db);
    const m = meter.rows[0]!;
    const [state] = (await meterStates(h.db, m.account_id, '2027-02-01')).filter((s) => s.id === m.id);
    let closing: Promise<unknown> | undefined;
    await h.db.transaction().execute(async (tx) => {
      const saved = await insertValidSubmission(tx, {
        userId: m.user_id,
        accountNumber: m.number,
        period: '2027-02-01',
        readOn: '2027-02-20',
        rows: [
          {
            meterId: m.id,
            valueL: state!.prevValueL! + 5_432,
            idempotencyKey: `close-race-${m.id}`,
            limitL: 30_000,
          },
        ],
        maxPerMonth: 20,
        confirmPartial: true,
        confirmLarge: false,
      });
      expect(saved).toHaveLength(1);
      // The billing run starts while the submission has not committed yet.
      closing = closeMonth(h.db, '2027-02');
      await new Promise((resolve) => setTimeout(resolve, 300));
    });
    await closing;
    expect(await coldWaterCharges(m.account_id, '2027-02-01')).toEqual([
      { basis: 'meter', quantity_l: 5_432 },
    ]);
  });

  it('a flagged reading accepted after its month closed is billed as a recalculation next month', async () => {
    const meter = await sql<{ id: number; account_id: number }>`
      select m.id, m.account_id from meters m join accounts a on a.id = m.account_id
      where m.water = 'cold' and a.kind = 'individual' and m.removed_on is null
        and m.verification_due > '2027-05-01'
        and exists (select 1 from readings r where r.meter_id = m.id)
      order by m.id desc offset 1 limit 1`.execute(h.db);
    const m = meter.rows[0]!;
    const [state] = (await meterStates(h.db, m.account_id, '2027-03-01')).filter((s) => s.id === m.id);
    const reading = await h.db
      .insertInto('readings')
      .values({
        meter_id: m.id,
        period: '2027-03-01',
        value_l: state!.prevValueL! + 7_000,
        read_on: '2027-03-20',
        source: 'cabinet',
        status: 'flagged',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await closeMonth(h.db, '2027-03');
    const march = await monthRows('2027-03-01');
    // Flagged readings do not count: March bills the meter with nothing read.
    expect(await coldWaterCharges(m.account_id, '2027-03-01')).toEqual([{ basis: 'meter', quantity_l: 0 }]);

    // The operator accepts it after the month closed.
    await h.db
      .updateTable('readings')
      .set({ status: 'accepted', reviewed_at: sql<Date>`clock_timestamp()` })
      .where('id', '=', reading.id)
      .execute();
    // Closing March again changes nothing; April books the difference for March.
    await closeMonth(h.db, '2027-03');
    expect(await monthRows('2027-03-01')).toEqual(march);
    await closeMonth(h.db, '2027-04');
    const recalc = await h.db
      .selectFrom('recalculations')
      .select(['period', 'for_period', 'service'])
      .where('account_id', '=', m.account_id)
      .where('for_period', '=', '2027-03-01')
      .orderBy('service')
      .execute();
    expect(recalc.map((r) => [r.period, r.service])).toEqual([
      ['2027-04-01', 'cold_water'],
      ['2027-04-01', 'sewage'],
    ]);
  });
});
