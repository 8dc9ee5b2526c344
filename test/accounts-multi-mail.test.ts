import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInvoiceMailing, startInvoiceMailing } from '../src/documents/mailing';
import { sendDueNotifications } from '../src/notifications/send-due.service';
import { type TestDatabase, testDatabase } from './helpers/db';
import { closedMonth, customerOf, type MeteredAccount, meteredAccount } from './helpers/factories';

/** A customer with a flat and a dacha under one login gets the mail of both accounts. */
const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';

let h: TestDatabase;
let flat: MeteredAccount;
let dacha: MeteredAccount;
let userId: number;
const EMAIL = 'two-accounts@example.kz';

beforeAll(async () => {
  h = await testDatabase();
  flat = await meteredAccount(h.db);
  dacha = await meteredAccount(h.db, { meters: [{ water: 'cold' }] });
  const user = await customerOf(h.db, flat, { email: EMAIL, locale: 'en' });
  userId = user.id;
  await h.db.insertInto('user_accounts').values({ user_id: userId, account_id: dacha.id }).execute();
  await h.db.updateTable('users').set({ subscribe_invoices: true }).where('id', '=', userId).execute();
  const meters = [...flat.meters, ...dacha.meters];
  await closedMonth(h.db, '2026-10', Object.fromEntries(meters.map((m) => [m.id, 100_000])));
  await closedMonth(h.db, '2026-11', Object.fromEntries(meters.map((m) => [m.id, 104_000])));
});
afterAll(async () => h?.close());

const mails = (purpose: string) =>
  h.db
    .selectFrom('mail_outbox')
    .select(['text_body', 'documents'])
    .where('to_address', '=', EMAIL)
    .where('purpose', '=', purpose)
    .orderBy('id')
    .execute();

describe(`mail of a customer with several accounts (${engine})`, () => {
  it("the monthly invoice mailing sends one message carrying every account's invoice", async () => {
    await startInvoiceMailing(h.db, null, '2026-11');
    await runInvoiceMailing(h.db, '2026-11', { perSecond: 1000 });
    const sent = await mails('invoice.monthly');
    expect(sent).toHaveLength(1);
    expect(sent[0]?.documents).toEqual({
      locale: 'en',
      documents: [
        { kind: 'invoice', account: flat.id, period: '2026-11' },
        { kind: 'invoice', account: dacha.id, period: '2026-11' },
      ],
    });
  });

  it('readings reminders go out per account, each linking to its own account', async () => {
    const deps = {
      publicUrl: 'https://cabinet.example.kz',
      secret: 'n'.repeat(32),
      fixedLargeL: 30_000,
      reminders: { windowLastDay: 25, leadDays: 3 },
    };
    const sent = await sendDueNotifications(h.db, new Date('2026-12-23T05:00:00Z'), deps);
    expect(sent.readings_reminder).toBe(2);
    const texts = (await mails('notify.readings_reminder')).map((m) => m.text_body).join('\n');
    expect(texts).toContain(`/cabinet/readings?account=${flat.number}`);
    expect(texts).toContain(`/cabinet/readings?account=${dacha.number}`);
  });
});
