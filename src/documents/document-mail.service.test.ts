import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoDatabase, type TestDatabase } from '../../test/helpers/db';
import { type AccountView, accountsOfUser } from '../accounts/accounts.queries';
import { paymentSettings } from '../config';
import type { DB } from '../db/database';
import { sendInvoiceByEmail, sendStatementByEmail, setMailingSubscription } from './document-mail.service';

const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';

let handle: TestDatabase;
let db: DB;
let userId: number;
let account: AccountView;
beforeAll(async () => {
  handle = await demoDatabase();
  db = handle.db;
  const user = await db
    .selectFrom('users')
    .select('id')
    .where('login', '=', '01003317')
    .executeTakeFirstOrThrow();
  userId = user.id;
  await db.updateTable('users').set({ email: 'owner@example.kz' }).where('id', '=', userId).execute();
  account = (await accountsOfUser(db, userId))[0] as AccountView;
});
afterAll(async () => handle?.close());

const outbox = () =>
  db
    .selectFrom('mail_outbox')
    .select(['to_address', 'subject', 'purpose', 'attachments', 'documents'])
    .orderBy('id')
    .execute();
const audits = (action: string) =>
  db
    .selectFrom('audit_log')
    .select(['actor_user_id', 'subject', 'details'])
    .where('action', '=', action)
    .execute();
const request = { locale: 'en' as const, ip: '192.0.2.7', limit: async () => 0, payee: paymentSettings({}) };

describe(`sending documents by email (${engine})`, () => {
  it('sendInvoiceByEmail puts a message naming the invoice into the outbox and writes the audit entry', async () => {
    const result = await sendInvoiceByEmail(db, { ...request, userId, account, period: '2020-05' });
    expect(result).toEqual({ kind: 'sent', email: 'owner@example.kz' });
    const mails = await outbox();
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ to_address: 'owner@example.kz', purpose: 'documents.invoice' });
    expect(mails[0]?.subject).toContain('May 2020');
    // What to render, not the PDF: the deliverer renders it when it sends (decision 120).
    expect(mails[0]?.attachments).toEqual([]);
    expect(mails[0]?.documents).toEqual({
      locale: 'en',
      documents: [{ kind: 'invoice', account: account.id, period: '2020-05' }],
      // Sent only while this user still holds the account.
      holder: userId,
    });
    const entries = await audits('documents.email.invoice');
    expect(entries).toEqual([
      { actor_user_id: userId, subject: account.number, details: { period: '2020-05' } },
    ]);
  });

  it('sendInvoiceByEmail sends nothing for a month without data or an invalid period', async () => {
    const before = (await outbox()).length;
    expect(await sendInvoiceByEmail(db, { ...request, userId, account, period: '1990-01' })).toEqual({
      kind: 'noDocument',
    });
    expect(await sendInvoiceByEmail(db, { ...request, userId, account, period: null })).toEqual({
      kind: 'noDocument',
    });
    expect((await outbox()).length).toBe(before);
  });

  it('a passed limit is audited and sends nothing', async () => {
    const before = (await outbox()).length;
    const limited = { ...request, limit: async () => 120 };
    expect(await sendInvoiceByEmail(db, { ...limited, userId, account, period: '2020-05' })).toEqual({
      kind: 'limited',
      wait: 120,
    });
    const range = { from: '2019-06', to: '2020-05' } as const;
    const statement = await sendStatementByEmail(db, {
      ...limited,
      userId,
      account: async () => account,
      range,
    });
    expect(statement).toEqual({ kind: 'limited', wait: 120 });
    expect((await outbox()).length).toBe(before);
    const entries = await audits('documents.email.limited');
    expect(entries.map((e) => e.details)).toEqual([
      { invoice: '2020-05', wait: 120 },
      { statement: true, wait: 120 },
    ]);
  });

  it('sendStatementByEmail mails the statement of a valid range', async () => {
    const range = { from: '2019-06', to: '2020-05' } as const;
    const result = await sendStatementByEmail(db, {
      ...request,
      userId,
      account: async () => account,
      range,
    });
    expect(result.kind).toBe('sent');
    const last = (await outbox()).at(-1);
    expect(last?.purpose).toBe('documents.statement');
    expect(last?.subject).toBe('Settlement status for June 2019 – May 2020');
    expect(last?.documents).toEqual({
      locale: 'en',
      documents: [{ kind: 'statement', account: account.id, from: '2019-06', to: '2020-05' }],
      holder: userId,
    });
    expect(await audits('documents.email.statement')).toHaveLength(1);
    const none = await sendStatementByEmail(db, {
      ...request,
      userId,
      account: async () => account,
      range: null,
    });
    expect(none).toEqual({ kind: 'noDocument' });
  });

  it('without an address nothing is sent and the account is not even looked up', async () => {
    await db.updateTable('users').set({ email: null }).where('id', '=', userId).execute();
    let asked = false;
    const lookup = async () => {
      asked = true;
      return account;
    };
    const range = { from: '2019-06', to: '2020-05' } as const;
    expect(await sendStatementByEmail(db, { ...request, userId, account: lookup, range })).toEqual({
      kind: 'noEmail',
    });
    expect(asked).toBe(false);
    expect(await sendInvoiceByEmail(db, { ...request, userId, account, period: '2020-05' })).toEqual({
      kind: 'noEmail',
    });
  });

  it('setMailingSubscription subscribes only with an address, and unsubscribes', async () => {
    const subscribed = async () =>
      (
        await db
          .selectFrom('users')
          .select('subscribe_invoices')
          .where('id', '=', userId)
          .executeTakeFirstOrThrow()
      ).subscribe_invoices;
    await db
      .updateTable('users')
      .set({ email: null, subscribe_invoices: false })
      .where('id', '=', userId)
      .execute();
    expect(await setMailingSubscription(db, userId, true)).toBe('noEmail');
    expect(await subscribed()).toBe(false);
    await db.updateTable('users').set({ email: 'owner@example.kz' }).where('id', '=', userId).execute();
    expect(await setMailingSubscription(db, userId, true)).toBe('subscribed');
    expect(await subscribed()).toBe(true);
    expect(await setMailingSubscription(db, userId, false)).toBe('unsubscribed');
    expect(await subscribed()).toBe(false);
  });
});
