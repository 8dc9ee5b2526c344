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
