import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JobQueue, startJobQueue } from '../src/jobs/queue';
import { NOTIFY_QUEUE } from '../src/notifications/notifications.job';
import { type AppProcess, startAppProcess, until } from './helpers/app-process';
import { type TestDatabase, testDatabase } from './helpers/db';
import {
  DECEMBER_PER_DAY,
  type DecemberCustomers,
  decemberCustomers,
  decemberMessages,
} from './helpers/notification-month';
import { type SmtpInbox, startSmtpInbox } from './helpers/smtp';

/**
 * The daily reminders job in two real worker processes (`ROLE=worker`, as `npm run worker`
 * starts it) on one PostgreSQL database, delivering to a real SMTP server. The test moves the
 * workers' clock (TEST_CLOCK_FILE, honoured only with NODE_ENV=test) through December 2026 one
 * day at a time and, on each day, enqueues the job twice — what the timekeepers of two processes
 * do when the slot comes — so both workers take one and run the same day side by side. The inbox
 * must hold exactly the month's messages, each once. The embedded PGlite database lives inside
 * one process, so this runs only against a PostgreSQL server (TEST_DATABASE_URL).
 */
const SERVER = process.env.TEST_DATABASE_URL;
if (!SERVER)
  console.log(
    'test/notifications-processes.test.ts skipped: two worker processes need a PostgreSQL server (set TEST_DATABASE_URL).',
  );

const PORTS = [3117, 3118] as const;
const DONE = 'daily reminders and alerts queued';
let h: TestDatabase;
let inbox: SmtpInbox;
let boss: JobQueue;
let dir: string;
let clockFile: string;
let customers: DecemberCustomers;
const workers: Worker[] = [];

type Worker = AppProcess;

function startWorker(port: number): Promise<Worker> {
  const env = {
    ROLE: 'worker',
    DATABASE_URL: h.url ?? '',
    DATA_DIR: dir,
    EXCHANGE_DIR: join(dir, 'exchange'),
    LOG_LEVEL: 'info',
    SMTP_URL: inbox.url,
    PUBLIC_URL: 'https://cabinet.example.kz',
    SESSION_SECRET: 'n'.repeat(32),
    TEST_CLOCK_FILE: clockFile,
  };
  return startAppProcess(port, env, (worker) => workers.push(worker));
}

/** The runs of the daily job a worker logged, by the day it took as "now". */
const runsOf = (w: Worker) =>
  w.output
    .split('\n')
    .filter((line) => line.includes(DONE))
    .map((line) => (JSON.parse(line) as { now: string }).now.slice(0, 10));

const sentCount = async () =>
  Number(
    (
      await h.db
        .selectFrom('notifications_sent')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe.skipIf(!SERVER)('reminders through a month in two worker processes (PostgreSQL only)', () => {
  beforeAll(async () => {
    h = await testDatabase();
    inbox = await startSmtpInbox();
    dir = mkdtempSync(join(tmpdir(), 'notify-workers-'));
    clockFile = join(dir, 'now');
    writeFileSync(clockFile, '2026-11-30T05:00:00Z');
    customers = await decemberCustomers(h.db);
    // One after the other: the second finds pg-boss's tables made by the first.
    await startWorker(PORTS[0]);
    await startWorker(PORTS[1]);
    boss = await startJobQueue(h.db);
  }, 200_000);

  afterAll(async () => {
    for (const w of workers)
      if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM');
    await Promise.all(
      workers.map((w) =>
        w.child.exitCode === null && w.child.signalCode === null ? once(w.child, 'exit') : null,
      ),
    );
    await boss?.stop({ graceful: false, wait: true }).catch(() => {});
    await h?.close();
    await inbox?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('sends each December message once: the expected reminders, warnings, alerts and bills', async () => {
    const perDay: Record<string, number> = {};
    for (let d = 1; d <= 31; d++) {
      writeFileSync(clockFile, `2026-12-${String(d).padStart(2, '0')}T05:00:00Z`); // 10:00 in Almaty
      const before = await sentCount();
      const ids = [await boss.send(NOTIFY_QUEUE, {}), await boss.send(NOTIFY_QUEUE, {})];
      await until(
        async () => {
          for (const id of ids) {
            const job = await boss.getJobById(NOTIFY_QUEUE, id as string);
            if (job?.state !== 'completed') {
              if (job?.state === 'failed')
                throw new Error(`the job of 12-${d} failed: ${JSON.stringify(job.output)}`);
              return false;
            }
          }
          return true;
        },
        60_000,
        `both jobs of December ${d} done`,
      );
      const queued = (await sentCount()) - before;
      if (queued) perDay[d] = queued;
    }
    expect(perDay).toEqual(DECEMBER_PER_DAY);

    // The workers deliver the outbox on their own; wait until every queued message went out.
    const expected = await decemberMessages(h.db, customers);
    await until(
      async () => {
        const open = await h.db
          .selectFrom('mail_outbox')
          .select('id')
          .where('status', 'in', ['pending', 'sending'])
          .execute();
        return open.length === 0 && inbox.messages.length >= expected.length;
      },
      60_000,
      'the outbox to be delivered',
    );
    const outbox = await h.db.selectFrom('mail_outbox').select(['status']).execute();
    expect(outbox.map((r) => r.status)).toEqual(expected.map(() => 'sent'));
    const got = inbox.messages.map((m) => `${m.to[0]} ${m.subject}`).sort();
    expect(got).toEqual(expected);
    expect(new Set(inbox.messages.map((m) => m.messageId)).size).toBe(inbox.messages.length);

    // Both processes took part: 62 runs in all, each day run twice.
    const runs = workers.map(runsOf);
    console.log(`daily job runs per worker process: ${runs.map((r) => r.length).join(' and ')}`);
    expect(runs.flat()).toHaveLength(62);
    expect(runs.every((r) => r.length > 0)).toBe(true);
  }, 300_000);
});
