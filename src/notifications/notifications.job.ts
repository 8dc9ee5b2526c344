import type { DB } from '../db/database';
import { jobClock } from '../jobs/clock';
import { ensureQueue, ensureSchedule, type JobQueue } from '../jobs/queue';
import { sendDueNotifications } from './send-due.service';

export const NOTIFY_QUEUE = 'notifications-daily';
/** The schedule's hours are Almaty's: reminders arrive in the morning there. */
export const NOTIFY_TZ = 'Asia/Almaty';

export interface NotifySettings {
  NOTIFY_CRON: string;
  READINGS_WINDOW_LAST_DAY: number;
  READINGS_REMINDER_DAYS: number;
  READING_CONFIRM_M3: number;
  PUBLIC_URL: string;
  SESSION_SECRET: string;
  NODE_ENV: string;
  TEST_CLOCK_FILE?: string | undefined;
}

/**
 * Schedules the daily reminders and alerts (pg-boss cron in Almaty time) and runs them in this
 * process's worker. pg-boss hands each scheduled job to one worker; and should two processes
 * run it anyway (a retry, a manual run), each message is recorded once (notifications_sent), so
 * nothing goes out twice.
 */
export async function registerNotificationJob(
  jobs: JobQueue,
  deps: { db: DB; config: NotifySettings; log: { info(o: object, m: string): void } },
) {
  await ensureQueue(jobs, NOTIFY_QUEUE);
  await ensureSchedule(jobs, NOTIFY_QUEUE, deps.config.NOTIFY_CRON, { tz: NOTIFY_TZ });
  const clock = jobClock(deps.config);
  await jobs.work(NOTIFY_QUEUE, async () => {
    const now = clock();
    const sent = await sendDueNotifications(deps.db, now, {
      publicUrl: deps.config.PUBLIC_URL,
      secret: deps.config.SESSION_SECRET,
      fixedLargeL: Math.round(deps.config.READING_CONFIRM_M3 * 1000),
      reminders: {
        windowLastDay: deps.config.READINGS_WINDOW_LAST_DAY,
        leadDays: deps.config.READINGS_REMINDER_DAYS,
      },
    });
    deps.log.info({ sent, now: now.toISOString() }, 'daily reminders and alerts queued');
  });
}
