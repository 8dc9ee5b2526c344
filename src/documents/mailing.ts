import { addMonths, isPeriod, type Period, periodOf, periodOfDay } from '../calendar/calendar';
import type { DB } from '../db/database';
import { formatPeriod, isLocale } from '../i18n/locales';
import { ensureQueue, ensureSchedule, type JobQueue } from '../jobs/queue';
import { AlreadyRunning, RUNS, singleFlight } from '../jobs/single-flight';
import type { MailDocument } from '../mail/outbox';
import { documentsText } from './documents.text';
import {
  accountsWithInvoice,
  completeMailing,
  mailingExists,
  newestClosedMonth,
  pendingRecipients,
  settleRecipients,
  unfinishedMailingPeriods,
} from './mailing.queries';
import { queueRecipientMails } from './mailing-recipient.service';
import { MAILING_QUEUE, startInvoiceMailing } from './mailing-start.service';

export { type MailingReportRow, mailingReport } from './mailing.queries';
export { MAILING_QUEUE, startInvoiceMailing } from './mailing-start.service';

/**
 * The monthly invoice mailing (SPEC.md 3.4, "Subscribe to mailing").
 *
 * Starting a month's mailing writes one recipient row per subscriber and enqueues a pg-boss job.
 * The job walks the pending rows a batch at a time: finds the batch's accounts with an invoice that
 * month and, in one transaction, puts a message per subscriber naming them into the outbox under
 * the dedupe key `invoice.monthly:<user>:<period>` and marks the rows queued (the deliverer renders
 * the PDFs). A crash at any point leaves a batch either pending (nothing committed) or queued (its
 * messages committed once), so running the job again, in this process or another one, sends every
 * subscriber exactly one message. The outbox's delivery worker does the SMTP part.
 */
export const MAILING_SCAN_QUEUE = 'invoice-mailing-scan';

export const mailingDedupeKey = (userId: number, period: Period) => `invoice.monthly:${userId}:${period}`;

export interface MailingRunOptions {
  /** Messages put into the outbox per second at most. */
  perSecond: number;
  /**
   * Recipients queued in one transaction; by default a quarter of a second's messages, between 1
   * and 50 (decision 189).
   */
  batchSize?: number;
  /** Stops the run between batches (a stopping process); the rest stays pending. */
  signal?: AbortSignal;
  /** Called for each message committed to the outbox, after its batch's commit (tests, progress). */
  onQueued?: () => void;
}

type Recipient = { userId: number; email: string | null; locale: string };

/** Works through a month's pending recipients; returns how many messages it queued. */
export async function runInvoiceMailing(db: DB, period: Period, options: MailingRunOptions): Promise<number> {
  const interval = 1000 / options.perSecond;
  const batchSize = options.batchSize ?? Math.max(1, Math.min(50, Math.round(options.perSecond / 4)));
  let queued = 0;
  let nextAt = 0;
  for (;;) {
    const batch = await pendingRecipients(db, period, batchSize);
    if (batch.length === 0) break;
    options.signal?.throwIfAborted();
    const wait = nextAt - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    nextAt = Date.now() + interval * batch.length;
    queued += await mailBatchOrEach(db, period, batch, options);
  }
  await completeMailing(db, period);
  return queued;
}

/**
 * Queues a batch in one transaction; when that fails, each recipient on its own, so one that
 * cannot be mailed is marked failed with its error and the others are queued.
 */
async function mailBatchOrEach(db: DB, period: Period, batch: Recipient[], options: MailingRunOptions) {
  try {
    return await mailBatch(db, period, batch, options);
  } catch (error) {
    if (options.signal?.aborted || batch.length === 1) return failed(db, period, batch, error, options);
  }
  let queued = 0;
  for (const recipient of batch) {
    try {
      queued += await mailBatch(db, period, [recipient], options);
    } catch (error) {
      await failed(db, period, [recipient], error, options);
    }
  }
  return queued;
}

async function failed(
  db: DB,
  period: Period,
  batch: Recipient[],
  error: unknown,
  options: MailingRunOptions,
) {
  if (options.signal?.aborted) throw error;
  const message = String((error as Error)?.message ?? error).slice(0, 500);
  await settleRecipients(
    db,
    period,
    batch.map((r) => r.userId),
    { status: 'failed', error: message },
  );
  return 0;
}

async function mailBatch(db: DB, period: Period, batch: Recipient[], options: MailingRunOptions) {
  // Which of the subscribers' accounts have an invoice this month; the PDFs are rendered when a
  // message is sent (decision 120), so the outbox row only names them.
  const withInvoice = await accountsWithInvoice(
    db,
    batch.map((r) => r.userId),
    period,
  );
  const skipped = batch.filter((r) => !r.email || !withInvoice.has(r.userId)).map((r) => r.userId);
  await settleRecipients(db, period, skipped, { status: 'skipped' });
  const recipients = batch.flatMap((recipient) => {
    const accounts = withInvoice.get(recipient.userId);
    if (!recipient.email || !accounts) return [];
    const locale = isLocale(recipient.locale) ? recipient.locale : 'kk';
    const documents: MailDocument[] = accounts.map((account) => ({ kind: 'invoice', account, period }));
    const t = documentsText[locale];
    const subject = t.mailSubjectInvoice(formatPeriod(locale, period));
    return [
      {
        userId: recipient.userId,
        mail: {
          to: recipient.email,
          subject,
          text: t.mailBody(subject),
          documents: { locale, documents, holder: recipient.userId },
          purpose: 'invoice.monthly',
          dedupeKey: mailingDedupeKey(recipient.userId, period),
        },
      },
    ];
  });
  const stored = await queueRecipientMails(db, {
    period,
    recipients,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  for (let i = 0; i < stored; i++) options.onQueued?.();
  return stored;
}

/** Enqueues a job for every mailing that has not finished (after a crash or a restart). */
export async function resumeInvoiceMailings(db: DB, jobs: JobQueue): Promise<Period[]> {
  const periods = await unfinishedMailingPeriods(db);
  for (const period of periods) {
    await jobs.send(MAILING_QUEUE, { period }, { singletonKey: period, singletonSeconds: 30 });
  }
  return periods;
}

/**
 * A month's data is complete when its billing period is closed. Starts the mailing of the newest
 * closed month if it was closed in the last 30 days and has not been mailed yet.
 */
export async function startMailingForClosedMonth(db: DB, jobs: JobQueue, now: Date = new Date()) {
  const newest = await newestClosedMonth(db);
  if (!newest?.closed_at || now.getTime() - newest.closed_at.getTime() > 30 * 86_400_000) return null;
  const period = periodOfDay(newest.period);
  if (period < addMonths(periodOf(now), -2)) return null;
  if (await mailingExists(db, period)) return null;
  await startInvoiceMailing(db, jobs, period);
  return period;
}

export interface MailingWorker {
  /** Stops taking work; a run in progress stops before its next message. */
  stop(): Promise<void>;
}

/** Registers the mailing workers on a job queue and resumes unfinished mailings. */
export async function startMailingWorker(
  db: DB,
  jobs: JobQueue,
  options: Omit<MailingRunOptions, 'signal'>,
): Promise<MailingWorker> {
  const abort = new AbortController();
  await ensureQueue(jobs, MAILING_QUEUE);
  await ensureQueue(jobs, MAILING_SCAN_QUEUE);
  await jobs.work<{ period: string }>(MAILING_QUEUE, { pollingIntervalSeconds: 2 }, async ([job]) => {
    if (!job || !isPeriod(job.data.period)) return;
    const period = job.data.period;
    try {
      await singleFlight(db, RUNS.mailing(period), () =>
        runInvoiceMailing(db, period, { ...options, signal: abort.signal }),
      );
    } catch (error) {
      // Another process works through this month now; if it dies, the resume finds the rest.
      if (!(error instanceof AlreadyRunning)) throw error;
    }
  });
  await jobs.work(MAILING_SCAN_QUEUE, async () => {
    await startMailingForClosedMonth(db, jobs);
  });
  await ensureSchedule(jobs, MAILING_SCAN_QUEUE, '17 * * * *');
  await resumeInvoiceMailings(db, jobs);
  return {
    async stop() {
      abort.abort();
      await jobs.offWork(MAILING_QUEUE);
      await jobs.offWork(MAILING_SCAN_QUEUE);
    },
  };
}
