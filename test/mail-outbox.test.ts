import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migrator, sql } from 'kysely';
import nodemailer from 'nodemailer';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccountView, accountsOfUser, findAccountByNumber } from '../src/accounts/accounts.queries';
import { hashPassword } from '../src/auth/passwords';
import type { Period } from '../src/calendar/calendar';
import { type DatabaseHandle, openDatabase } from '../src/db/database';
import { migrateToLatest } from '../src/db/migrate';
import { migrations } from '../src/db/migrations/index';
import { DEMO_PASSWORD } from '../src/demo/demo-catalogue';
import { invoicePdf, mailDocument } from '../src/documents/documents.service';
import { documentsText } from '../src/documents/documents.text';
import { backoffMs, deliverDueMail } from '../src/mail/delivery';
import { enqueueMail } from '../src/mail/outbox';
import { Browser, type TestApp, testApp, textOf } from './helpers/app';
import { demoDatabase } from './helpers/db';
import { type SmtpInbox, startSmtpInbox, TEST_PAYEE } from './helpers/smtp';

const SERVER = process.env.TEST_DATABASE_URL;
const engine = SERVER ? 'PostgreSQL' : 'PGlite';

let t: TestApp;
let inbox: SmtpInbox;
let account: AccountView;

beforeAll(async () => {
  t = await testApp(await demoDatabase(), { SMTP_URL: '' });
  inbox = await startSmtpInbox();
  const user = await t.handle.db
    .selectFrom('users')
    .select('id')
    .where('login', '=', '01003317')
    .executeTakeFirstOrThrow();
  account = (await accountsOfUser(t.handle.db, user.id))[0] as AccountView;
  await t.handle.db
    .insertInto('users')
    .values({ login: 'outbox-operator', role: 'operator', password_hash: await hashPassword(DEMO_PASSWORD) })
    .execute();
}, 120_000);
afterAll(async () => {
  await inbox?.close();
  await t?.close();
});

const db = () => t.handle.db;
const row = (id: number) =>
  db().selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
/** The bytes the database keeps for one outbox row (every column, as stored), on either engine. */
const storedBytes = async (id: number) =>
  Number(
    (
      await sql<{ n: number }>`select pg_column_size(o.*) as n from mail_outbox o where id = ${id}`.execute(
        db(),
      )
    ).rows[0]?.n,
  );
const pdfText = (bytes: Buffer) => {
  const dir = mkdtempSync(join(tmpdir(), 'outbox-'));
  writeFileSync(join(dir, 'a.pdf'), bytes);
  return execFileSync('pdftotext', [join(dir, 'a.pdf'), '-'], { encoding: 'utf8' });
};
const transportTo = (url: string) => nodemailer.createTransport(url);
const sentTo = (to: string) => inbox.messages.filter((m) => m.to.includes(to));

describe(`the outbox keeps what to render, not the PDF (${engine})`, () => {
  it('an invoice message is stored in under 2 KB and leaves with its PDF rendered at delivery', async () => {
    const id = (await mailDocument(db(), 'render@example.kz', 'en', account, { invoice: '2020-05' }))!;
    const stored = await row(id);
    expect(stored.attachments).toEqual([]);
    expect(stored.documents).toEqual({
      locale: 'en',
      documents: [{ kind: 'invoice', account: account.id, period: '2020-05' }],
    });
    const bytes = await storedBytes(id);
    console.log(`outbox row of an invoice message: ${bytes} bytes (${engine})`);
    expect(bytes).toBeLessThan(2048);

    expect(await deliverDueMail(db(), transportTo(inbox.url), TEST_PAYEE, 50)).toMatchObject({
      sent: 1,
      failed: 0,
    });
    const mail = await inbox.waitFor('render@example.kz');
    expect(mail.subject).toBe('Payment invoice for May 2020');
    expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['invoice-01003317-2020-05.pdf', 'application/pdf'],
    ]);
    const text = pdfText(mail.attachments[0]!.content);
    expect(text).toContain('Payment invoice for May 2020');
    expect(text).toContain('-6713.04');
    expect((await row(id)).status).toBe('sent');
  });

  it('a statement in Russian and a monthly message with several invoices stay under 2 KB too', async () => {
    const statement = (await mailDocument(db(), 'stmt@example.kz', 'ru', account, {
      statement: { from: '2019-06', to: '2020-05' },
    }))!;
    // A subscriber with many accounts: one message naming twelve invoices.
    const many = (await enqueueMail(db(), {
      to: 'many-accounts@example.kz',
      subject: 'Счёт-извещение за май 2020 г.',
      text: 'Здравствуйте!',
      documents: {
        locale: 'ru',
        documents: Array.from({ length: 12 }, () => ({
          kind: 'invoice' as const,
          account: account.id,
          period: '2020-05',
        })),
      },
      purpose: 'invoice.monthly',
      dedupeKey: `invoice.monthly:test-many:2020-05`,
    }))!;
    for (const id of [statement, many]) expect(await storedBytes(id)).toBeLessThan(2048);

    await deliverDueMail(db(), transportTo(inbox.url), TEST_PAYEE, 50);
    const st = await inbox.waitFor('stmt@example.kz');
    expect(st.attachments.map((a) => a.filename)).toEqual(['statement-01003317-2019-06-2020-05.pdf']);
    expect(pdfText(st.attachments[0]!.content)).toContain('Взаиморасчёты: май 2020 г.');
    const m = await inbox.waitFor('many-accounts@example.kz');
    expect(m.attachments).toHaveLength(12);
  });

  it('a message stored with its file bytes (before the change) is still delivered with them', async () => {
    const legacy = await db()
      .insertInto('mail_outbox')
      .values({
        to_address: 'legacy@example.kz',
        subject: 'Old',
        text_body: 'old',
        attachments: JSON.stringify([
          {
            filename: 'old.txt',
            contentType: 'text/plain',
            contentBase64: Buffer.from('7212.00').toString('base64'),
          },
        ]),
        purpose: 'documents.invoice',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await deliverDueMail(db(), transportTo(inbox.url), TEST_PAYEE, 50);
    const mail = await inbox.waitFor('legacy@example.kz');
    expect(mail.attachments.map((a) => [a.filename, a.content.toString()])).toEqual([['old.txt', '7212.00']]);
    expect((await row(legacy.id)).status).toBe('sent');
  });

  it('one batch with invoices of two kinds of customer and of several months: each PDF as the download renders it alone', async () => {
    // The facts a batch reads once (closing, data as of, tariffs by kind, norms) must never cross
    // from one invoice to another of another month or kind.
    const months = (kind: 'legal' | 'individual') =>
      db()
        .selectFrom('account_months')
        .innerJoin('accounts', 'accounts.id', 'account_months.account_id')
        .select(['accounts.number', 'account_months.period'])
        .where('accounts.kind', '=', kind)
        .orderBy('accounts.number')
        .orderBy('account_months.period')
        .execute();
    const legalMonths = await months('legal');
    const company = (await findAccountByNumber(db(), legalMonths[0]!.number))!;
    const companyMonths = legalMonths.filter((m) => m.number === company.number).map((m) => m.period);
    const own = (await months('individual')).filter((m) => m.number === account.number).map((m) => m.period);
    const period = (day: string) => day.slice(0, 7) as Period;
    const cases = [
      { to: 'batch-a@example.kz', account, period: period(own[0]!), locale: 'ru' },
      { to: 'batch-b@example.kz', account: company, period: period(companyMonths.at(-1)!), locale: 'ru' },
      { to: 'batch-c@example.kz', account, period: period(own.at(-1)!), locale: 'en' },
      { to: 'batch-d@example.kz', account: company, period: period(companyMonths[0]!), locale: 'kk' },
    ] as const;
    expect(new Set(cases.map((c) => `${c.account.kind} ${c.period}`)).size).toBe(4);
    for (const c of cases) await mailDocument(db(), c.to, c.locale, c.account, { invoice: c.period });
    expect(await deliverDueMail(db(), transportTo(inbox.url), TEST_PAYEE, 50)).toMatchObject({
      sent: cases.length,
      failed: 0,
    });
    const withoutTime = (text: string, locale: 'ru' | 'en' | 'kk') =>
      text
        .split('\n')
        .filter((line) => !line.includes(documentsText[locale].generated))
        .join('\n');
    for (const c of cases) {
      const mailed = pdfText((await inbox.waitFor(c.to)).attachments[0]!.content);
      const alone = await invoicePdf(db(), c.account, c.period, c.locale, { payee: TEST_PAYEE });
      expect(withoutTime(mailed, c.locale)).toBe(withoutTime(pdfText(alone!.bytes), c.locale));
    }
    // Not four copies of one invoice: each account and month has figures of its own.
    const texts = await Promise.all(
      cases.map(async (c) => withoutTime(pdfText((await inbox.waitFor(c.to)).attachments[0]!.content), 'en')),
    );
    expect(new Set(texts).size).toBe(cases.length);
  });

  it('a message whose document has no data any more fails at once, with the reason kept', async () => {
    const id = (await mailDocument(db(), 'gone@example.kz', 'kk', account, { invoice: '1990-01' }))!;
    expect(await deliverDueMail(db(), transportTo(inbox.url), TEST_PAYEE, 50)).toMatchObject({ failed: 1 });
    const r = await row(id);
    expect([r.status, r.attempts]).toEqual(['failed', 1]);
    expect(r.last_error).toContain('no invoice of account 01003317');
    expect(sentTo('gone@example.kz')).toHaveLength(0);
  });
});

describe(`the SMTP server down, then up (${engine})`, () => {
  it('the message waits with its error and next attempt, shows in /metrics and the back-office, then arrives once', async () => {
    // A port where no SMTP server listens: the server is down.
    const probe = await startSmtpInbox();
    const port = Number(new URL(probe.url).port);
    await probe.close();
    const url = `smtp://127.0.0.1:${port}`;
    const transport = transportTo(url);

    const id = (await enqueueMail(db(), {
      to: 'waiting@example.kz',
      subject: 'Тіркеуді растау',
      text: 'Сілтеме: http://localhost/register/confirm?token=x',
      purpose: 'register.confirm',
    }))!;
    expect(await deliverDueMail(db(), transport, TEST_PAYEE, 50)).toEqual({ sent: 0, retried: 1, failed: 0 });
    let r = await row(id);
    expect([r.status, r.attempts]).toEqual(['pending', 1]);
    expect(r.last_error).toMatch(/ECONNREFUSED|connect/i);
    const wait = r.next_attempt_at.getTime() - Date.now();
    expect(wait).toBeGreaterThan(backoffMs(1) - 10_000);
    // A second failure doubles the wait.
    await db()
      .updateTable('mail_outbox')
      .set({ next_attempt_at: new Date(Date.now() - 1000) })
      .where('id', '=', id)
      .execute();
    expect(await deliverDueMail(db(), transport, TEST_PAYEE, 50)).toEqual({ sent: 0, retried: 1, failed: 0 });
    r = await row(id);
    expect(r.attempts).toBe(2);
    expect(r.next_attempt_at.getTime() - Date.now()).toBeGreaterThan(backoffMs(2) - 10_000);
    // It has waited ten minutes now.
    await db()
      .updateTable('mail_outbox')
      .set({ created_at: sql<Date>`now() - interval '10 minutes'` })
      .where('id', '=', id)
      .execute();

    // Visible in /metrics: waiting, retrying, and how long the oldest has waited.
    const metrics = (await t.app.inject({ url: '/metrics' })).body;
    const value = (series: string) =>
      Number(
        metrics
          .split('\n')
          .find((l) => l.startsWith(`${series} `))
          ?.slice(series.length + 1),
      );
    const waiting = await db()
      .selectFrom('mail_outbox')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('status', 'in', ['pending', 'sending'])
      .executeTakeFirstOrThrow();
    expect(value('mail_outbox_messages{status="pending"}')).toBe(Number(waiting.n));
    expect(value('mail_outbox_retrying_messages')).toBeGreaterThanOrEqual(1);
    expect(value('mail_outbox_oldest_pending_age_seconds')).toBeGreaterThanOrEqual(600);

    // Visible in the back-office, for staff only, in three languages.
    const op = new Browser(t.app);
    expect((await op.login('outbox-operator', DEMO_PASSWORD)).statusCode).toBe(303);
    await op.get('/lang/en?next=/');
    const page = await op.get('/backoffice/outbox');
    expect(page.statusCode).toBe(200);
    const text = textOf(page.body);
    expect(text).toContain('Mail outbox');
    const line = /<tr>(?:(?!<\/tr>)[\s\S])*waiting@example\.kz[\s\S]*?<\/tr>/.exec(page.body)?.[0] ?? '';
    expect(textOf(line)).toMatch(
      /register\.confirm will be retried 2 \d\d\.\d\d\.\d{4} \d\d:\d\d .*ECONNREFUSED/,
    );
    expect(text).toMatch(/Waiting to be sent \d+ Of these, after a failed attempt \d+/);
    await op.get('/lang/ru?next=/');
    expect(textOf((await op.get('/backoffice/outbox')).body)).toContain('Очередь писем Письма кабинета');
    await op.get('/lang/kk?next=/');
    expect(textOf((await op.get('/backoffice/outbox')).body)).toContain('Хат кезегі');
    const customer = new Browser(t.app);
    await customer.login('01003317', DEMO_PASSWORD);
    expect((await customer.get('/backoffice/outbox')).statusCode).toBe(403);

    // The server comes back on its port. The back-off is kept: nothing is sent before it is due.
    const back = await startSmtpInbox(port);
    try {
      expect(await deliverDueMail(db(), transport, TEST_PAYEE, 50)).toMatchObject({ sent: 0 });
      await db()
        .updateTable('mail_outbox')
        .set({ next_attempt_at: new Date(Date.now() - 1000) })
        .where('id', '=', id)
        .execute();
      expect(await deliverDueMail(db(), transport, TEST_PAYEE, 50)).toMatchObject({ sent: 1, retried: 0 });
      expect(await deliverDueMail(db(), transport, TEST_PAYEE, 50)).toEqual({
        sent: 0,
        retried: 0,
        failed: 0,
      });
      const mail = await back.waitFor('waiting@example.kz');
      expect(mail.subject).toBe('Тіркеуді растау');
      await new Promise((res) => setTimeout(res, 300));
      expect(back.messages.filter((m) => m.to.includes('waiting@example.kz'))).toHaveLength(1);
      r = await row(id);
      expect([r.status, r.attempts, r.last_error]).toEqual(['sent', 3, null]);
    } finally {
      await back.close();
    }
  });
});

/** An empty database (no migration run): PGlite in memory, or a new one on the PostgreSQL server. */
async function emptyDatabase(): Promise<DatabaseHandle> {
  if (!SERVER) return openDatabase({ dataDir: 'memory://' });
  const name = `outbox_migration_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: SERVER });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ url: url.toString(), poolSize: 2 });
  return {
    ...handle,
    async close() {
      await handle.close();
      const cleanup = new pg.Client({ connectionString: SERVER });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

describe(`the migration of stored messages (${engine})`, () => {
  it('drops the bytes of messages already sent and keeps those still to send, which are delivered', async () => {
    const h = await emptyDatabase();
    try {
      const migrator = new Migrator({
        db: h.db,
        provider: { getMigrations: async () => migrations },
        allowUnorderedMigrations: true,
      });
      expect((await migrator.migrateTo('0630_job_runs')).error).toBeUndefined();
      const pdf = JSON.stringify([
        {
          filename: 'invoice.pdf',
          contentType: 'application/pdf',
          contentBase64: randomBytes(22_000).toString('base64'),
        },
      ]);
      await sql`insert into mail_outbox (to_address, subject, text_body, attachments, status, sent_at)
        values ('sent@example.kz', 'S', 's', ${pdf}::jsonb, 'sent', now()),
               ('todo@example.kz', 'T', 't', ${pdf}::jsonb, 'pending', null)`.execute(h.db);
      const before = await sql<{ to_address: string; n: number }>`
        select to_address, pg_column_size(o.*) as n from mail_outbox o order by id`.execute(h.db);
      console.log(
        `outbox row with a base64 PDF before the migration: ${before.rows[0]?.n} bytes (${engine})`,
      );

      await migrateToLatest(h.db);
      const after = await sql<{ to_address: string; attachments: unknown; n: number }>`
        select to_address, attachments, pg_column_size(o.*) as n from mail_outbox o order by id`.execute(
        h.db,
      );
      const sent = after.rows[0]!;
      const todo = after.rows[1]!;
      expect(sent.attachments).toEqual([]);
      expect(Number(sent.n)).toBeLessThan(2048);
      expect(JSON.stringify(todo.attachments)).toBe(JSON.stringify(JSON.parse(pdf)));

      expect(await deliverDueMail(h.db, transportTo(inbox.url), TEST_PAYEE, 10)).toMatchObject({ sent: 1 });
      const mail = await inbox.waitFor('todo@example.kz');
      expect(mail.attachments[0]?.content.length).toBe(22_000);
      expect(sentTo('sent@example.kz')).toHaveLength(0);
    } finally {
      await h.close();
    }
  });
});
