import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, testDatabase } from '../../test/helpers/db';
import {
  DECEMBER_PER_DAY,
  type DecemberCustomers,
  decemberCustomers,
  decemberMessages,
} from '../../test/helpers/notification-month';
import { type SmtpInbox, startSmtpInbox, TEST_PAYEE } from '../../test/helpers/smtp';
import { openDatabase } from '../db/database';
import { deliverDueMail } from '../mail/delivery';
import { sendDueNotifications } from './send-due.service';

/**
 * The clock walks through December 2026 one day at a time; on each day the daily job runs twice
 * at once (two connection pools on PostgreSQL; one after the other on the embedded database,
 * which lives in one process), and the outbox is delivered to a real SMTP server. The inbox must
 * hold exactly the expected messages, each once. test/notifications-processes.test.ts walks the
 * same month with two real worker processes.
 */
const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const deps = {
  publicUrl: 'https://cabinet.example.kz',
  secret: 'n'.repeat(32),
  fixedLargeL: 30_000,
  reminders: { windowLastDay: 25, leadDays: 3 },
};

let h: TestDatabase;
let second: TestDatabase | undefined;
let inbox: SmtpInbox;
let customers: DecemberCustomers;

beforeAll(async () => {
  h = await testDatabase();
  if (h.url) second = { ...(await openDatabase({ url: h.url, poolSize: 2 })), url: h.url };
  inbox = await startSmtpInbox();
  customers = await decemberCustomers(h.db);
});

afterAll(async () => {
  await second?.close();
  await h?.close();
  await inbox?.close();
});

describe(`reminders and alerts through a month (${engine})`, () => {
  it('sends each due message once, in the customer language, with a one-click unsubscribe', async () => {
    const transport = nodemailer.createTransport(inbox.url);
    const { a } = customers;
    const perDay: Record<string, number> = {};
    for (let d = 1; d <= 31; d++) {
      const now = new Date(`2026-12-${String(d).padStart(2, '0')}T05:00:00Z`); // 10:00 in Almaty
      const runs = [sendDueNotifications(h.db, now, deps), sendDueNotifications((second ?? h).db, now, deps)];
      const results = second ? await Promise.all(runs) : [await runs[0]!, await runs[1]!];
      const count = results.reduce((s, r) => s + Object.values(r).reduce((x, y) => x + y, 0), 0);
      if (count) perDay[d] = count;
      while ((await deliverDueMail(h.db, transport, TEST_PAYEE, 50)).sent > 0) {}
    }
    const got = inbox.messages.map((m) => `${m.to[0]} ${m.subject}`).sort();
    expect(got).toEqual(await decemberMessages(h.db, customers));
    expect(new Set(inbox.messages.map((m) => m.messageId)).size).toBe(inbox.messages.length);
    expect(perDay).toEqual(DECEMBER_PER_DAY);

    const reminder = inbox.messages.find((m) => m.subject.includes('көрсеткіштерін'))!;
    const header = (name: string) =>
      reminder.raw.headerLines.find((l) => l.key === name)?.line.replace(/\r\n\s+/g, ' ');
    expect(header('list-unsubscribe')).toMatch(
      /^List-Unsubscribe: <https:\/\/cabinet\.example\.kz\/unsubscribe\/\d+\.readings_reminder\.[\w-]{32}>$/,
    );
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(reminder.text).toContain(`Дербес шот ${a.number}`);
    expect(reminder.text).toContain(`https://cabinet.example.kz/cabinet/readings?account=${a.number}`);
    expect(reminder.text).toContain('https://cabinet.example.kz/cabinet/notifications');
  });

  it('keeps a record of what went out per kind, and runs again without sending anything', async () => {
    const rows = await h.db
      .selectFrom('notifications_sent')
      .select(['kind', 'outbox_id'])
      .orderBy('id')
      .execute();
    expect(rows.map((r) => r.kind).sort()).toEqual([
      'high_consumption',
      'payment_due',
      'payment_due',
      'payment_due',
      'payment_due',
      'payment_due',
      'readings_reminder',
      'verification_due',
      'verification_due',
      'verification_due',
    ]);
    expect(rows.every((r) => r.outbox_id !== null)).toBe(true);
    const again = await sendDueNotifications(h.db, new Date('2026-12-26T05:00:00Z'), deps);
    expect(again).toEqual({ readings_reminder: 0, verification_due: 0, high_consumption: 0, payment_due: 0 });
    const alert = inbox.messages.find((m) => m.subject.includes('far more than usual'))!;
    expect(alert.text).toContain('more than 30.000 m³ in a month');
    expect(alert.text).toContain('running toilet cistern');
  });
});
