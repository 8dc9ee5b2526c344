import type { FastifyBaseLogger } from 'fastify';
import { purgeLoginCounters } from './auth/login-throttle';
import { purgeExpiredSessions } from './auth/sessions';
import type { Config } from './config';
import type { DB, Engine } from './db/database';
import { resumeInvoiceMailings, startMailingWorker } from './documents/mailing';
import { configurePdfThreads } from './documents/pdf-threads';
import { registerExchangeJob } from './exchange/exchange.job';
import { startInstance, stopInstance, sweepInterruptedRuns } from './jobs/instance';
import { type JobQueue, startJobQueue } from './jobs/queue';
import { mailDeliveryTask } from './mail/delivery';
import { registerNotificationJob } from './notifications/notifications.job';
import type { Health } from './web/health';
import { purgeRateLimits } from './web/rate-limit.queries';

export interface Workers {
  jobs: JobQueue;
  stop(): Promise<void>;
}

export interface WorkerDeps {
  db: DB;
  config: Config;
  engine: Engine;
  log: FastifyBaseLogger;
  /** Told whether the job queue runs (/health/ready). */
  health?: Health;
}

/**
 * Background work of an app process. Each capability adds its worker here
 * (mail delivery, monthly mailing, scheduled exchange). All state lives in PostgreSQL
 * (pg-boss jobs, the mail outbox), so several app processes can run them side by side.
 */
export async function startWorkers(deps: WorkerDeps): Promise<Workers> {
  configurePdfThreads(deps.config.PDF_THREADS);
  const timers: NodeJS.Timeout[] = [];
  const every = (ms: number, name: string, task: () => Promise<unknown>) => {
    const timer = setInterval(() => {
      task().catch((err) => deps.log.error({ err }, `${name} failed`));
    }, ms);
    timer.unref();
    timers.push(timer);
  };
  // The app's instance (often started by main already): owner of its runs, holder of their
  // locks. If its connection breaks, the next sweep starts a new one.
  const onLost = (err: Error) => deps.log.error({ err }, 'instance connection lost');
  await startInstance(deps.db, onLost);
  every(10_000, 'interrupted run sweep', async () => {
    await startInstance(deps.db, onLost);
    await sweepInterruptedRuns(deps.db);
  });
  const jobs = await startJobQueue(deps.db, { schedule: true, supervise: true });
  every(3600_000, 'session cleanup', () => purgeExpiredSessions(deps.db));
  every(3000, 'mail delivery', mailDeliveryTask(deps.db, deps.config));
  every(600_000, 'rate limit cleanup', () => purgeRateLimits(deps.db));
  every(600_000, 'login counter cleanup', () => purgeLoginCounters(deps.db));
  const mailing = await startMailingWorker(deps.db, jobs, { perSecond: deps.config.MAILING_PER_SECOND });
  every(60_000, 'invoice mailing resume', () => resumeInvoiceMailings(deps.db, jobs));
  await registerExchangeJob(jobs, deps);
  await registerNotificationJob(jobs, deps);
  if (deps.health) deps.health.jobsRunning = true;
  return {
    jobs,
    async stop() {
      if (deps.health) deps.health.jobsRunning = false;
      for (const t of timers) clearInterval(t);
      await mailing.stop();
      await jobs.stop({ graceful: true, wait: true, timeout: 10_000 });
      await stopInstance(deps.db);
    },
  };
}
