import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, testDatabase } from '../../test/helpers/db';
import { closedMonth, customerOf, type MeteredAccount, meteredAccount } from '../../test/helpers/factories';
import { type SmtpInbox, startSmtpInbox, TEST_PAYEE } from '../../test/helpers/smtp';
import { openDatabase } from '../db/database';
import { deliverDueMail } from '../mail/delivery';
import { formatTiyn } from '../money/tiyn';
import { setPreference } from './notifications.queries';
import { sendDueNotifications } from './send-due.service';

/**
 * The clock walks through December 2026 one day at a time; on each day the daily job runs twice
 * at once (two app processes: two connection pools on PostgreSQL; one after the other on the
 * embedded database, which lives in one process), and the outbox is delivered to a real SMTP
 * server. The inbox must hold exactly the expected messages, each once.
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
/** kk customer: no December reading, a cold meter whose verification lapses on 20 December. */
let a: MeteredAccount;
/** ru customer: December reading in, November paid on 10 December. */
let b: MeteredAccount;
/** en customer: readings reminders turned off, November unpaid. */
let c: MeteredAccount;

beforeAll(async () => {
  h = await testDatabase();
  if (h.url) second = { ...(await openDatabase({ url: h.url, poolSize: 2 })), url: h.url };
  inbox = await startSmtpInbox();
  a = await meteredAccount(h.db, {
    meters: [{ water: 'cold', verificationDue: '2026-12-20' }, { water: 'hot' }],
  });
  b = await meteredAccount(h.db);
  c = await meteredAccount(h.db);
  await customerOf(h.db, a, { email: 'a@example.kz', locale: 'kk' });
  await customerOf(h.db, b, { email: 'b@example.kz', locale: 'ru' });
  const cu = await customerOf(h.db, c, { email: 'c@example.kz', locale: 'en' });
  await setPreference(h.db, cu.id, 'readings_reminder', false);
  const meters = [...a.meters, ...b.meters, ...c.meters];
  await closedMonth(h.db, '2026-10', Object.fromEntries(meters.map((m) => [m.id, 100_000])));
  await closedMonth(h.db, '2026-11', Object.fromEntries(meters.map((m) => [m.id, 106_000])));
  const bill = await h.db
    .selectFrom('account_months')
    .select('closing_tiyn')
    .where('account_id', '=', b.id)
    .where('period', '=', '2026-11-01')
    .executeTakeFirstOrThrow();
  await h.db
    .insertInto('payments')
    .values({ account_id: b.id, paid_on: '2026-12-10', period: '2026-12-01', amount_tiyn: bill.closing_tiyn })
    .execute();
  await h.db
    .insertInto('readings')
    .values({
      meter_id: b.meters[0]!.id,
      period: '2026-12-01',
      value_l: 109_000,
      read_on: '2026-12-20',
      source: 'cabinet',
    })
    .execute();
  // c's cold meter: 40 m³ in December after 6 m³ in November (too little history for its own
  // limit: the fixed 30 m³ applies); c turned reminders off, not alerts.
  await h.db
    .insertInto('readings')
    .values({
      meter_id: c.meters[0]!.id,
      period: '2026-12-01',
      value_l: 146_000,
      read_on: '2026-12-01',
      source: 'cabinet',
    })
    .execute();
});

afterAll(async () => {
  await second?.close();
  await h?.close();
  await inbox?.close();
});

describe(`reminders and alerts through a month (${engine})`, () => {
  it('sends each due message once, in the customer language, with a one-click unsubscribe', async () => {
    const transport = nodemailer.createTransport(inbox.url);
    // Each account's November bill: 6 m³ of cold and 6 of hot water (sewage 12 m³) at the 2025
    // tariffs with 16% VAT, as the invoice shows it.
    const AMOUNT = formatTiyn(
      (
        await h.db
          .selectFrom('account_months')
          .select('closing_tiyn')
          .where('account_id', '=', a.id)
          .where('period', '=', '2026-11-01')
          .executeTakeFirstOrThrow()
      ).closing_tiyn,
    );
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
    const cold = a.meters[0]!.serial;
    expect(got).toEqual(
      [
        // 1 December: November's bills are ready (b pays on the 10th, but is told on the 1st), and
        // the cold meter's date is within 60 days; 6 December: 14 days left; 20 December: the day.
        `a@example.kz 2026 ж. қараша шоты: 25.12.2026 дейін ${AMOUNT} ₸`,
        `b@example.kz Счёт за ноябрь 2026 г.: ${AMOUNT} ₸ до 25.12.2026`,
        `c@example.kz Invoice for November 2026: ${AMOUNT} ₸ due by 25.12.2026`,
        `c@example.kz Meter ${c.meters[0]!.serial}: 40.000 m³ in December 2026, far more than usual`,
        `a@example.kz ${cold} есептегіші: тексеру мерзімі 20.12.2026`,
        `a@example.kz ${cold} есептегіші: тексеру мерзімі 20.12.2026`,
        `a@example.kz ${cold} есептегіші: тексеру мерзімі өтті`,
        // 22 December: readings reminder to a only (b has its reading, c turned reminders off).
        'a@example.kz 2026 ж. желтоқсан: есептегіш көрсеткіштерін 25.12.2026 дейін беріңіз',
        // 26 December: the unpaid bills of a and c are overdue; b paid.
        `a@example.kz Дербес шот ${a.number}: ${AMOUNT} ₸ төлем мерзімі өтті`,
        `c@example.kz Account ${c.number}: ${AMOUNT} ₸ overdue`,
      ].sort(),
    );
    expect(new Set(inbox.messages.map((m) => m.messageId)).size).toBe(inbox.messages.length);
    expect(perDay).toEqual({ 1: 5, 6: 1, 20: 1, 22: 1, 26: 2 });

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
