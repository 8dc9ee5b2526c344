import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoDatabase, type TestDatabase } from '../../test/helpers/db';
import { statementLog } from '../../test/helpers/statement-log';
import { type AccountView, findAccountsByIds } from '../accounts/accounts.queries';
import type { Period } from '../calendar/calendar';
import { documentYears } from './documents.service';
import { invoiceLoader } from './invoice.service';

const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const LAST: Period = '2026-10';
const EARLIER: Period = '2026-08';

let h: TestDatabase;
let accounts: AccountView[];
beforeAll(async () => {
  h = await demoDatabase({ accounts: 12, months: 4 });
  // Households with meters and a billed last month: invoices with figures of their own.
  const ids = await h.db
    .selectFrom('account_months')
    .innerJoin('accounts', 'accounts.id', 'account_months.account_id')
    .select('accounts.id')
    .where('account_months.period', '=', `${LAST}-01`)
    .where('accounts.kind', '=', 'individual')
    .where((eb) =>
      eb.exists(
        eb.selectFrom('meters').select('meters.id').whereRef('meters.account_id', '=', 'accounts.id'),
      ),
    )
    .orderBy('accounts.id')
    .limit(3)
    .execute();
  accounts = await findAccountsByIds(
    h.db,
    ids.map((r) => r.id),
  );
}, 120_000);
afterAll(async () => h?.close());

describe(`invoiceLoader (${engine})`, () => {
  it('answers invoices asked for together with one round of reads, each account its own invoice', async () => {
    expect(accounts).toHaveLength(3);
    // Each on its own: the figures to compare with, and the statements one invoice costs.
    const alone = [];
    let perInvoice = 0;
    for (const account of accounts) {
      const { db, sent } = statementLog(h.db);
      alone.push(await invoiceLoader(db, account, LAST));
      perInvoice = sent.length;
    }
    expect(perInvoice).toBeGreaterThan(3);
    for (const [i, invoice] of alone.entries()) {
      expect(invoice, accounts[i]?.number).not.toBeNull();
    }
    // Three different invoices: their totals are not all the same.
    expect(new Set(alone.map((inv) => `${inv?.chargesTiyn} ${inv?.closingTiyn}`)).size).toBeGreaterThan(1);

    const { db, sent } = statementLog(h.db);
    const together = await Promise.all(accounts.map((account) => invoiceLoader(db, account, LAST)));
    // Three invoices for the statements of one.
    expect(sent).toHaveLength(perInvoice);
    expect(together).toEqual(alone);
  });

  it('reads each month of a batch for its own accounts; a month without data is null for its caller only', async () => {
    const [a, b, c] = accounts as [AccountView, AccountView, AccountView];
    const expected = [
      await invoiceLoader(h.db, a, LAST),
      await invoiceLoader(h.db, b, EARLIER),
      await invoiceLoader(h.db, c, '2019-01'),
      await invoiceLoader(h.db, a, EARLIER),
    ];
    expect(expected[1]).not.toBeNull();
    expect(expected[2]).toBeNull();
    const together = await Promise.all([
      invoiceLoader(h.db, a, LAST),
      invoiceLoader(h.db, b, EARLIER),
      invoiceLoader(h.db, c, '2019-01'),
      invoiceLoader(h.db, a, EARLIER),
    ]);
    expect(together).toEqual(expected);
    expect(together[1]).not.toEqual(together[3]);
  });

  it('a transaction reads in batches of its own and sees its own uncommitted rows', async () => {
    const [a, b] = accounts as [AccountView, AccountView];
    const [before, otherBefore] = await Promise.all([
      invoiceLoader(h.db, a, LAST),
      invoiceLoader(h.db, b, LAST),
    ]);
    await h.db
      .transaction()
      .execute(async (tx) => {
        await tx
          .insertInto('payments')
          .values({ account_id: a.id, paid_on: `${LAST}-20`, period: `${LAST}-01`, amount_tiyn: 12_345 })
          .execute();
        // Both asked inside the transaction: one batch of its own, which sees the new payment.
        const [inside, other] = await Promise.all([invoiceLoader(tx, a, LAST), invoiceLoader(tx, b, LAST)]);
        expect(inside?.paidTiyn).toBe((before?.paidTiyn ?? 0) + 12_345);
        expect(other).toEqual(otherBefore);
        throw new Error('roll back');
      })
      .catch((e: Error) => expect(e.message).toBe('roll back'));
    expect(await invoiceLoader(h.db, a, LAST)).toEqual(before);
  });
});

describe(`the period selector's years (${engine})`, () => {
  it('asks one prepared statement, planned once per connection (every invoice and settlement page asks it)', async () => {
    const { db, sent } = statementLog(h.db);
    const account = accounts[0] as AccountView;
    const years = await documentYears(db, account.id);
    const first = await h.db
      .selectFrom('account_months')
      .select((eb) => eb.fn.min('period').as('first'))
      .where('account_id', '=', account.id)
      .executeTakeFirstOrThrow();
    const firstYear = Number(String(first.first).slice(0, 4));
    expect(years[0]).toBe(2026);
    expect(years.at(-1)).toBe(firstYear);
    expect(years).toHaveLength(2026 - firstYear + 1);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(/^\/\* prepared \*\/ select "period" from "account_months"/);
  });
});
