import { sql } from 'kysely';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../src/db/database';
import { backoffMs, deliverDueMail, MAX_ATTEMPTS, type MailTransport } from '../src/mail/delivery';
import { enqueueMail } from '../src/mail/outbox';
import { type TestApp, testApp, textOf } from './helpers/app';
import { testDatabase } from './helpers/db';
import { type SmtpInbox, startSmtpInbox, TEST_PAYEE } from './helpers/smtp';

let handle: DatabaseHandle;
let inbox: SmtpInbox;
let transport: MailTransport;

beforeAll(async () => {
  handle = await testDatabase();
  inbox = await startSmtpInbox();
  transport = nodemailer.createTransport(inbox.url);
});
afterAll(async () => {
  await inbox?.close();
  await handle?.close();
});
beforeEach(async () => {
  await handle.db.deleteFrom('mail_outbox').execute();
  inbox.messages.length = 0;
});

const row = (id: number) =>
  handle.db.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

describe(`mail delivery over SMTP (${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('sends a due message once, in plain text and HTML', async () => {
    const id = await enqueueMail(handle.db, {
      to: 'aigul@example.kz',
      subject: 'Шот-хабарлама',
      text: 'Сәлеметсіз бе! Қосымшада шот.',
      html: '<p>Сәлеметсіз бе! <b>Қосымшада</b> шот.</p>',
      purpose: 'test',
    });
    const report = await deliverDueMail(handle.db, transport, TEST_PAYEE, 10);
    expect(report).toEqual({ sent: 1, retried: 0, failed: 0 });
    const mail = await inbox.waitFor('aigul@example.kz');
    expect(mail.subject).toBe('Шот-хабарлама');
    expect(mail.text.trim()).toBe('Сәлеметсіз бе! Қосымшада шот.');
    expect(mail.html).toContain('<b>Қосымшада</b>');
    expect(mail.attachments).toEqual([]);
    expect(mail.messageId).toContain(`outbox-${id}@`);
    const after = await row(id!);
    expect(after.status).toBe('sent');
    expect(after.attempts).toBe(1);
    expect(after.sent_at).toBeInstanceOf(Date);

    // A second run finds nothing due: never sent twice.
    expect(await deliverDueMail(handle.db, transport, TEST_PAYEE, 10)).toEqual({
      sent: 0,
      retried: 0,
      failed: 0,
    });
    expect(inbox.messages).toHaveLength(1);
  });

  it('retries a refused message later with a growing wait, then gives up', async () => {
    const id = (await enqueueMail(handle.db, {
      to: 'retry@example.kz',
      subject: 'R',
      text: 'r',
      purpose: 'test',
    }))!;
    inbox.failNext(1);
    expect(await deliverDueMail(handle.db, transport, TEST_PAYEE, 10)).toEqual({
      sent: 0,
      retried: 1,
      failed: 0,
    });
    let r = await row(id);
    expect(r.status).toBe('pending');
    expect(r.attempts).toBe(1);
    expect(r.last_error).toMatch(/451|temporarily/i);
    const waitMs = r.next_attempt_at.getTime() - Date.now();
    expect(waitMs).toBeGreaterThan(backoffMs(1) - 10_000);
    expect(waitMs).toBeLessThanOrEqual(backoffMs(1) + 1000);
    // Not due yet: nothing happens.
    expect(await deliverDueMail(handle.db, transport, TEST_PAYEE, 10)).toEqual({
      sent: 0,
      retried: 0,
      failed: 0,
    });

    // Due again: this time the server accepts it.
    await handle.db
      .updateTable('mail_outbox')
      .set({ next_attempt_at: new Date(Date.now() - 1000) })
      .execute();
    expect(await deliverDueMail(handle.db, transport, TEST_PAYEE, 10)).toEqual({
      sent: 1,
      retried: 0,
      failed: 0,
    });
    r = await row(id);
    expect([r.status, r.attempts]).toEqual(['sent', 2]);
    expect(inbox.messages.filter((m) => m.to.includes('retry@example.kz'))).toHaveLength(1);

    expect(backoffMs(2)).toBe(2 * backoffMs(1));
    expect(backoffMs(3)).toBe(4 * backoffMs(1));

    const doomed = (await enqueueMail(handle.db, {
      to: 'x@example.kz',
      subject: 'X',
      text: 'x',
      purpose: 'test',
    }))!;
    await handle.db
      .updateTable('mail_outbox')
      .set({ attempts: MAX_ATTEMPTS - 1 })
      .where('id', '=', doomed)
      .execute();
    inbox.failNext(1);
    expect(await deliverDueMail(handle.db, transport, TEST_PAYEE, 10)).toEqual({
      sent: 0,
      retried: 0,
      failed: 1,
    });
    expect((await row(doomed)).status).toBe('failed');
  });

  it('picks up a message left in "sending" by a crashed process once its lease ran out', async () => {
    const id = (await enqueueMail(handle.db, {
      to: 'crash@example.kz',
      subject: 'C',
      text: 'c',
      purpose: 'test',
    }))!;
    await handle.db
      .updateTable('mail_outbox')
      .set({ status: 'sending', attempts: 1, next_attempt_at: new Date(Date.now() + 60_000) })
      .where('id', '=', id)
      .execute();
    expect((await deliverDueMail(handle.db, transport, TEST_PAYEE, 10)).sent).toBe(0);
    await handle.db
      .updateTable('mail_outbox')
      .set({ next_attempt_at: sql<Date>`now() - interval '1 second'` })
      .where('id', '=', id)
      .execute();
    expect((await deliverDueMail(handle.db, transport, TEST_PAYEE, 10)).sent).toBe(1);
    expect((await row(id)).attempts).toBe(2);
  });

  it('two workers at once deliver each message exactly once', async () => {
    for (let i = 0; i < 12; i++) {
      await enqueueMail(handle.db, {
        to: `many${i}@example.kz`,
        subject: `M${i}`,
        text: 'm',
        purpose: 'test',
      });
    }
    const [a, b] = await Promise.all([
      deliverDueMail(handle.db, transport, TEST_PAYEE, 7),
      deliverDueMail(handle.db, transport, TEST_PAYEE, 7),
    ]);
    expect(a.sent + b.sent).toBe(12);
    expect(inbox.messages).toHaveLength(12);
    expect(new Set(inbox.messages.map((m) => m.to[0])).size).toBe(12);
  });
});

describe('the dev mailbox', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(await testDatabase());
  });
  afterAll(async () => t?.close());

  it('lists and shows messages with clickable links when no SMTP is configured', async () => {
    await enqueueMail(t.handle.db, {
      to: 'dev@example.kz',
      subject: 'Тіркеуді растау',
      text: 'Open http://localhost:3000/register/confirm?token=abc please',
      purpose: 'test',
    });
    const list = await t.app.inject({ url: '/dev/mailbox' });
    expect(list.statusCode).toBe(200);
    expect(textOf(list.body)).toContain('dev@example.kz');
    const id = /href="\/dev\/mailbox\/(\d+)"/.exec(list.body)?.[1];
    const one = await t.app.inject({ url: `/dev/mailbox/${id}` });
    expect(one.body).toContain('<a href="http://localhost:3000/register/confirm?token=abc">');
  });

  it('does not exist when SMTP is configured', async () => {
    const other = await testApp(await testDatabase(), { SMTP_URL: inbox.url });
    try {
      expect((await other.app.inject({ url: '/dev/mailbox' })).statusCode).toBe(404);
    } finally {
      await other.close();
    }
  });
});
