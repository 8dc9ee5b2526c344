import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInvoiceMailing, startInvoiceMailing } from '../src/documents/mailing';
import { deliverDueMail } from '../src/mail/delivery';
import { sendDueNotifications } from '../src/notifications/send-due.service';
import { type TestDatabase, testDatabase } from './helpers/db';
import { closedMonth, customerOf, type MeteredAccount, meteredAccount } from './helpers/factories';
import { type SmtpInbox, startSmtpInbox, TEST_PAYEE } from './helpers/smtp';

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
      holder: userId,
    });
  });

  it('an account removed from the user before the message is sent is left out of it; a message left with none is not sent', async () => {
    const inbox: SmtpInbox = await startSmtpInbox();
    try {
      const transport = nodemailer.createTransport(inbox.url);
      // The dacha's holder removed this user's link between the queuing and the delivery.
      await h.db
        .deleteFrom('user_accounts')
        .where('user_id', '=', userId)
        .where('account_id', '=', dacha.id)
        .execute();
      expect((await deliverDueMail(h.db, transport, TEST_PAYEE, 10)).sent).toBe(1);
      const mail = await inbox.waitFor(EMAIL);
      const pdfs = mail.attachments.filter((a) => a.contentType === 'application/pdf');
      expect(pdfs).toHaveLength(1);
      const dir = mkdtempSync(join(tmpdir(), 'held-'));
      writeFileSync(join(dir, 'a.pdf'), pdfs[0]?.content ?? Buffer.alloc(0));
      const text = execFileSync('pdftotext', [join(dir, 'a.pdf'), '-'], { encoding: 'utf8' });
      expect(text).toContain(flat.number);
      expect(text).not.toContain(dacha.number);

      // The same user asks for the month again (a new message), then loses the flat too.
      await h.db
        .updateTable('mail_outbox')
        .set({ dedupe_key: null })
        .where('to_address', '=', EMAIL)
        .execute();
      await h.db.deleteFrom('invoice_mailing_recipients').execute();
      await h.db.deleteFrom('invoice_mailings').execute();
      await h.db.insertInto('user_accounts').values({ user_id: userId, account_id: dacha.id }).execute();
      await startInvoiceMailing(h.db, null, '2026-11');
      await runInvoiceMailing(h.db, '2026-11', { perSecond: 1000 });
      await h.db.deleteFrom('user_accounts').where('user_id', '=', userId).execute();
      const r = await deliverDueMail(h.db, transport, TEST_PAYEE, 10);
      expect(r).toMatchObject({ sent: 0, failed: 1 });
      const last = await h.db
        .selectFrom('mail_outbox')
        .select(['status', 'last_error'])
        .where('to_address', '=', EMAIL)
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      expect(last).toEqual({ status: 'failed', last_error: expect.stringContaining('no longer holds') });
      expect(inbox.messages).toHaveLength(1);
    } finally {
      await h.db.deleteFrom('user_accounts').where('user_id', '=', userId).execute();
      await h.db
        .insertInto('user_accounts')
        .values([flat, dacha].map((a) => ({ user_id: userId, account_id: a.id })))
        .execute();
      await inbox.close();
    }
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
