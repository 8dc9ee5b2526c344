import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailingReport, startInvoiceMailing } from '../src/documents/mailing';
import { addSubscribers, demoDatabase, type TestDatabase } from './helpers/db';
import { deliverAllAlong, type SmtpInbox, startSmtpInbox } from './helpers/smtp';

/**
 * The monthly mailing's worker as a process of its own (`npm run mailing -- work`), killed with
 * SIGKILL half way through a month and started again. The embedded PGlite database lives inside
 * one process, so this runs only against a PostgreSQL server (TEST_DATABASE_URL).
 */
const SERVER = process.env.TEST_DATABASE_URL;
const PERIOD = '2026-10';
const SUBSCRIBERS = 20;

let handle: TestDatabase;
let inbox: SmtpInbox;
const children: ChildProcess[] = [];

const until = async (what: () => Promise<boolean>, timeoutMs: number) => {
  const start = Date.now();
  while (!(await what())) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
};

/** `npm run mailing -- work` on the test database (the CLI entry, without npm in between). */
function startWorkerProcess(): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/documents/mailing.cli.ts', 'work'], {
    env: {
      ...process.env,
      DATABASE_URL: handle.url,
      // Slow enough that the second half of the month is still pending when the test has seen
      // the first half queued and kills the process (about 3 s to spare): queuing a recipient
      // costs far less than 1/8 s now, so at 8 a second a busy machine could let it finish first.
      MAILING_PER_SECOND: '3',
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      SMTP_URL: '',
    },
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGKILL')
      console.error(`mailing worker exited ${code ?? signal}:\n${output}`);
  });
  children.push(child);
  return child;
}

async function recipientCounts() {
  const rows = await handle.db
    .selectFrom('invoice_mailing_recipients')
    .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
    .groupBy('status')
    .execute();
  const by = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  return { pending: by.pending ?? 0, queued: by.queued ?? 0 };
}

describe.skipIf(!SERVER)('monthly invoice mailing in a worker process (PostgreSQL only)', () => {
  beforeAll(async () => {
    handle = await demoDatabase({ accounts: 40, months: 3 });
    inbox = await startSmtpInbox();
    // Only these subscribers get the month's invoice.
    await handle.db.updateTable('users').set({ subscribe_invoices: false }).execute();
    await addSubscribers(handle.db, { count: SUBSCRIBERS, login: 'process-test', email: 'worker' });
  }, 120_000);

  afterAll(async () => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await inbox?.close();
    await handle?.close();
  });

  it('a worker process killed with SIGKILL half way and started again: every subscriber gets exactly one message over SMTP', async () => {
    const { recipients } = await startInvoiceMailing(handle.db, null, PERIOD);
    expect(recipients).toBe(SUBSCRIBERS);

    // Delivery runs all along in this process, into a real SMTP server.
    const stopDelivery = deliverAllAlong(handle.db, inbox.url);

    const first = startWorkerProcess();
    await until(async () => (await recipientCounts()).queued >= SUBSCRIBERS / 2, 90_000);
    first.kill('SIGKILL');
    await once(first, 'exit');

    // Killed half way: some messages are in the outbox, the rest are pending, and a message that
    // was being written when the process died was rolled back with its recipient's row.
    const midway = await recipientCounts();
    expect(midway.queued).toBeGreaterThanOrEqual(SUBSCRIBERS / 2);
    expect(midway.pending).toBeGreaterThan(0);
    expect(midway.queued + midway.pending).toBe(SUBSCRIBERS);
    const outbox = await handle.db
      .selectFrom('mail_outbox')
      .select('id')
      .where('purpose', '=', 'invoice.monthly')
      .execute();
    expect(outbox.length).toBe(midway.queued);

    // Started again, the worker finds the unfinished month by itself (at start, or at its next
    // minute's resume when the first process's job was queued less than 30 seconds ago).
    const second = startWorkerProcess();
    await until(async () => (await mailingReport(handle.db, PERIOD))[0]?.completedAt != null, 150_000);
    await until(async () => inbox.messages.length >= SUBSCRIBERS, 60_000);
    // Give a duplicate, if there were one, the time to arrive.
    await new Promise((r) => setTimeout(r, 1500));
    await stopDelivery();
    second.kill('SIGTERM');
    const [code] = await once(second, 'exit');
    expect(code).toBe(0);

    const perAddress = new Map<string, number>();
    for (const m of inbox.messages) for (const to of m.to) perAddress.set(to, (perAddress.get(to) ?? 0) + 1);
    expect(inbox.messages.length).toBe(SUBSCRIBERS);
    for (let i = 0; i < SUBSCRIBERS; i++)
      expect(perAddress.get(`worker${i}@example.kz`), `worker${i}`).toBe(1);
    const report = await mailingReport(handle.db, PERIOD);
    expect(report[0]).toMatchObject({
      total: SUBSCRIBERS,
      sent: SUBSCRIBERS,
      failed: 0,
      pending: 0,
      skipped: 0,
    });
    const pdf = inbox.messages[0]?.attachments.find((a) => a.contentType === 'application/pdf');
    expect(pdf?.content.length).toBeGreaterThan(1000);
  }, 300_000);
});
