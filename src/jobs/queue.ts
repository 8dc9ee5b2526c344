import type { Kysely } from 'kysely';
import PgBoss from 'pg-boss';
import type { Database } from '../db/schema';
import { jobDb } from './queue.queries';

/**
 * Re-exported for senders that enqueue inside their transaction (`{ db: jobDb(tx) }`); the
 * statement itself lives in ./queue.queries.ts.
 */
export { jobDb };

export type JobQueue = PgBoss;

export interface JobQueueOptions {
  /** Run cron schedules in this process (the app does; CLI commands do not). */
  schedule?: boolean;
  /** Run pg-boss's maintenance (expiry, archiving) in this process. */
  supervise?: boolean;
}

export async function startJobQueue(db: Kysely<Database>, options: JobQueueOptions = {}): Promise<JobQueue> {
  const boss = new PgBoss({
    db: jobDb(db),
    schedule: options.schedule ?? false,
    supervise: options.supervise ?? false,
  });
  boss.on('error', (error) => {
    // Workers log their own failures; this keeps a passing database error from crashing the process.
    process.emitWarning(`job queue: ${error.message}`);
  });
  await boss.start();
  return boss;
}

/** PostgreSQL's "deadlock detected": of two transactions waiting on each other, one is failed. */
const DEADLOCK = '40P01';

/**
 * Runs a start-up step of the job queue (creating a queue, setting a schedule) again when it lost
 * a deadlock to the same steps of another process starting at the same moment (pg-boss creates a
 * queue's table under locks that two processes may take in different orders).
 */
export async function retryOnDeadlock<T>(step: () => Promise<T>, tries = 6): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      const e = error as { code?: unknown; message?: unknown };
      const deadlock = e.code === DEADLOCK || /deadlock detected/.test(String(e.message ?? ''));
      if (!deadlock || attempt >= tries) throw error;
      await new Promise((r) => setTimeout(r, 50 * attempt + Math.random() * 150));
    }
  }
}

/** Creates the queue unless it exists; safe when several processes start together. */
export function ensureQueue(jobs: JobQueue, name: string): Promise<void> {
  return retryOnDeadlock(async () => {
    if (!(await jobs.getQueue(name))) await jobs.createQueue(name);
  });
}

/** Sets a cron schedule of a queue; safe when several processes start together. */
export function ensureSchedule(
  jobs: JobQueue,
  name: string,
  cron: string,
  options: { tz?: string } = {},
): Promise<void> {
  return retryOnDeadlock(() => jobs.schedule(name, cron, {}, options));
}
