import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/database';
import { ensureQueue, ensureSchedule, type JobQueue, startJobQueue } from '../src/jobs/queue';
import { type TestDatabase, testDatabase } from './helpers/db';

/**
 * Two app processes started at the same moment on a new database both install the job queue's
 * schema; one of them loses the race. Each "process" here has a connection pool of its own, as
 * two processes would. PostgreSQL only: PGlite lives inside one process.
 */
const SERVER = process.env.TEST_DATABASE_URL;
if (!SERVER)
  console.log('test/job-queue-start.test.ts skipped: needs a PostgreSQL server (TEST_DATABASE_URL).');

describe.skipIf(!SERVER)('job queue start on a new database', () => {
  let handle: TestDatabase;
  beforeAll(async () => {
    handle = await testDatabase();
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('starts in two processes at once, and both can queue and read jobs afterwards', async () => {
    const pools = await Promise.all([1, 2, 3].map(() => openDatabase({ url: handle.url!, poolSize: 2 })));
    const queues: JobQueue[] = [];
    try {
      const started = await Promise.allSettled(pools.map((p) => startJobQueue(p.db)));
      for (const s of started) if (s.status === 'fulfilled') queues.push(s.value);
      expect(started.map((s) => (s.status === 'rejected' ? String(s.reason) : 'started'))).toEqual([
        'started',
        'started',
        'started',
      ]);
      // Then each sets up the app's queues and schedules at once, in its own order, as the
      // workers of processes started together do: none loses a deadlock.
      const names = ['race-a', 'race-b', 'race-c', 'race-d'];
      await Promise.all(
        queues.map(async (q, i) => {
          for (const name of [...names.slice(i), ...names.slice(0, i)]) {
            await ensureQueue(q, name);
            await ensureSchedule(q, name, '17 * * * *', { tz: 'Asia/Almaty' });
          }
        }),
      );
      for (const name of names) expect(await queues[0]!.getQueue(name)).toBeTruthy();
      // Every connection of every pool is usable (none left inside a failed transaction).
      for (const [i, q] of queues.entries()) {
        await q.createQueue(`start-race-${i}`);
        const id = await q.send(`start-race-${i}`, { n: i });
        expect(id).toBeTruthy();
        const [job] = await q.fetch(`start-race-${i}`);
        expect(job?.data).toEqual({ n: i });
      }
      for (const p of pools) {
        const rows = await Promise.all(
          [1, 2].map(() => p.db.selectFrom('users').select('id').limit(1).execute()),
        );
        expect(rows).toHaveLength(2);
      }
    } finally {
      for (const q of queues) await q.stop({ graceful: false }).catch(() => {});
      for (const p of pools) await p.close();
    }
  }, 60_000);
});
