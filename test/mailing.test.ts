import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../src/auth/passwords';
import type { DatabaseHandle } from '../src/db/database';
import { DEMO_PASSWORD } from '../src/demo/demo-catalogue';
import {
  mailingReport,
  runInvoiceMailing,
  startInvoiceMailing,
  startMailingForClosedMonth,
  startMailingWorker,
} from '../src/documents/mailing';
import { type JobQueue, startJobQueue } from '../src/jobs/queue';
import { Browser, testApp, textOf } from './helpers/app';
import { addSubscribers, demoDatabase, TEST_NOW } from './helpers/db';
import { deliverAllAlong, type SmtpInbox, startSmtpInbox } from './helpers/smtp';

const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const PERIOD = '2026-10';

let handle: DatabaseHandle;
let inbox: SmtpInbox;
const queues: JobQueue[] = [];

beforeAll(async () => {
  handle = await demoDatabase({ accounts: 40, months: 3 });
  inbox = await startSmtpInbox();
  // Twenty more subscribers on accounts of the demo city, in all three languages; one opted out.
  await addSubscribers(handle.db, {
    count: 21,
    login: 'mail-test',
    email: 'subscriber',
    subscribed: (i) => i !== 20,
  });
}, 120_000);

afterAll(async () => {
  for (const q of queues) await q.stop({ graceful: false, wait: true, timeout: 2000 }).catch(() => {});
  await inbox?.close();
  await handle?.close();
});

const until = async (what: () => Promise<boolean>, timeoutMs = 60_000) => {
  const start = Date.now();
  while (!(await what())) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe(`monthly invoice mailing (${engine})`, () => {
  it('survives a worker killed half way: every subscriber gets exactly one message over SMTP', async () => {
    const subscribers = await handle.db
      .selectFrom('users')
      .select(['id', 'email'])
      .where('subscribe_invoices', '=', true)
      .where('email', 'is not', null)
      .execute();
    expect(subscribers.length).toBeGreaterThanOrEqual(20);

    // Delivery runs all along, into a real SMTP server.
    const stopDelivery = deliverAllAlong(handle.db, inbox.url);

    const first = await startJobQueue(handle.db);
    queues.push(first);
    let queuedByFirst = 0;
    let killed: Promise<void> | null = null;
    const worker = await startMailingWorker(handle.db, first, {
      perSecond: 10,
      // Kill half way: the run stops before its next message and the queue goes down
      // without finishing its job.
      onQueued: () => {
        queuedByFirst++;
        if (queuedByFirst === Math.floor(subscribers.length / 2)) {
          killed = worker.stop().then(() => first.stop({ graceful: false, wait: true, timeout: 2000 }));
        }
      },
    });
    const started = await startInvoiceMailing(handle.db, first, PERIOD);
    expect(started.recipients).toBe(subscribers.length);

    const queuedCount = async () =>
      (
        await handle.db
          .selectFrom('invoice_mailing_recipients')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('status', '!=', 'pending')
          .executeTakeFirstOrThrow()
      ).n;
    await until(async () => killed !== null);
    await killed;
    await new Promise((r) => setTimeout(r, 500));
    // The run stopped after the batch it was in: every message it reported is committed, no more.
    const half = Number(await queuedCount());
    expect(half).toBe(queuedByFirst);
    expect(half).toBeGreaterThanOrEqual(Math.floor(subscribers.length / 2));
    expect(half).toBeLessThan(subscribers.length);
    const midway = await mailingReport(handle.db, PERIOD);
    expect(midway[0]?.pending).toBeGreaterThan(0);

    // Restart: a new queue and worker pick up the unfinished mailing by themselves.
    const second = await startJobQueue(handle.db);
    queues.push(second);
    const worker2 = await startMailingWorker(handle.db, second, { perSecond: 10 });
    await until(async () => (await mailingReport(handle.db, PERIOD))[0]?.completedAt != null, 90_000);
    await until(async () => inbox.messages.length >= subscribers.length, 60_000);
    // Give a duplicate, if there were one, the time to arrive.
    await new Promise((r) => setTimeout(r, 1500));
    await stopDelivery();
    await worker2.stop();

    const perAddress = new Map<string, number>();
    for (const m of inbox.messages) for (const to of m.to) perAddress.set(to, (perAddress.get(to) ?? 0) + 1);
    expect(inbox.messages.length).toBe(subscribers.length);
    for (const s of subscribers)
      expect(perAddress.get(String(s.email).toLowerCase()), String(s.email)).toBe(1);
    expect(perAddress.has('subscriber20@example.kz')).toBe(false);

    const report = await mailingReport(handle.db, PERIOD);
    expect(report[0]).toMatchObject({ period: PERIOD, total: subscribers.length, sent: subscribers.length });
    expect(report[0]).toMatchObject({ failed: 0, pending: 0, skipped: 0 });

    // The invoice is attached, in the subscriber's language, with the month's figures.
    const ru = inbox.messages.find((m) => m.to.includes('subscriber1@example.kz'));
    expect(ru?.subject).toBe('Счёт-извещение за октябрь 2026 г.');
    const pdf = ru?.attachments.find((a) => a.contentType === 'application/pdf');
    expect(pdf).toBeDefined();
    const dir = mkdtempSync(join(tmpdir(), 'mailing-'));
    writeFileSync(join(dir, 'a.pdf'), pdf?.content ?? Buffer.alloc(0));
    const text = execFileSync('pdftotext', [join(dir, 'a.pdf'), '-'], { encoding: 'utf8' });
    expect(text).toContain('Счёт-извещение за октябрь 2026 г.');
    expect(text).toContain('16');
  }, 240_000);

  it('a second run or a second start of the same month sends nothing more', async () => {
    const before = await handle.db.selectFrom('mail_outbox').select('id').execute();
    await startInvoiceMailing(handle.db, null, PERIOD);
    expect(await runInvoiceMailing(handle.db, PERIOD, { perSecond: 1000 })).toBe(0);
    const after = await handle.db.selectFrom('mail_outbox').select('id').execute();
    expect(after.length).toBe(before.length);
  });

  it('starts by itself when the newest month is closed, once', async () => {
    await handle.db
      .updateTable('billing_periods')
      .set({ closed_at: new Date(TEST_NOW.getTime() - 86_400_000) })
      .where('period', '=', `${PERIOD}-01`)
      .execute();
    await handle.db.deleteFrom('invoice_mailing_recipients').execute();
    await handle.db.deleteFrom('invoice_mailings').execute();
    const queue = await startJobQueue(handle.db);
    queues.push(queue);
    await queue.createQueue('invoice-mailing');
    expect(await startMailingForClosedMonth(handle.db, queue, TEST_NOW)).toBe(PERIOD);
    expect(await startMailingForClosedMonth(handle.db, queue, TEST_NOW)).toBeNull();
    const report = await mailingReport(handle.db);
    expect(report.map((r) => r.period)).toEqual([PERIOD]);
  });

  it('operators read the report and start a month; customers cannot', async () => {
    await handle.db
      .insertInto('users')
      .values({ login: 'operator1', role: 'operator', password_hash: await hashPassword(DEMO_PASSWORD) })
      .execute();
    const { app } = await testApp(handle);
    try {
      const op = new Browser(app);
      expect((await op.login('operator1', DEMO_PASSWORD)).statusCode).toBe(303);
      await op.get('/lang/en?next=/');
      const page = await op.get('/backoffice/mailings');
      expect(page.statusCode).toBe(200);
      const r = (await mailingReport(handle.db, PERIOD))[0];
      expect(textOf(page.body)).toContain('October 2026');
      expect(textOf(page.body)).toContain(`${r?.total} ${r?.sent} ${r?.failed} ${r?.pending} ${r?.skipped}`);
      const bad = await op.post('/backoffice/mailings', { period: '2026-13' });
      expect(bad.statusCode).toBe(400);
      expect(textOf(bad.body)).toContain('Write the month as YYYY-MM');
      expect(bad.body).toContain('value="2026-13"');
      const ok = await op.post('/backoffice/mailings', { period: '2026-09' });
      expect(textOf(ok.body)).toContain('Mailing started');
      expect((await mailingReport(handle.db, '2026-09'))[0]?.pending).toBeGreaterThan(0);

      const customer = new Browser(app);
      await customer.login('01003317', DEMO_PASSWORD);
      expect((await customer.get('/backoffice/mailings')).statusCode).toBe(403);
    } finally {
      await app.close();
    }
  });
});
