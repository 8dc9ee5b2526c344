import { isPeriod, type Period } from '../calendar/calendar';
import type { DB } from '../db/database';
import { type JobQueue, jobDb } from '../jobs/queue';
import {
  addSubscribersAsRecipients,
  analyzeRecipients,
  lockMailingStart,
  openMailing,
  unfinishedMailingSince,
} from './mailing.queries';

/** The pg-boss queue whose job works through a month's recipients (src/documents/mailing.ts). */
export const MAILING_QUEUE = 'invoice-mailing';

/**
 * Starts (or, once finished, tops up) the mailing of a month: every current subscriber becomes a
 * recipient, and the job that mails them is queued in the same transaction. While the month's
 * mailing is unfinished, a second start changes nothing and returns since when it runs.
 */
export async function startInvoiceMailing(
  db: DB,
  jobs: JobQueue | null,
  period: Period,
  startedBy: number | null = null,
): Promise<{ recipients: number; runningSince?: Date }> {
  if (!isPeriod(period)) throw new RangeError(`not a period: ${period}`);
  return db.transaction().execute(async (tx) => {
    // Two starts of one month (two operators, two instances) come one after the other; the
    // second finds the first's mailing unfinished and says since when it runs.
    await lockMailingStart(tx, period);
    const runningSince = await unfinishedMailingSince(tx, period);
    if (runningSince) return { recipients: 0, runningSince };
    await openMailing(tx, period, startedBy);
    const recipients = await addSubscribersAsRecipients(tx, period);
    if (recipients > 0) await analyzeRecipients(tx);
    if (jobs) await jobs.send(MAILING_QUEUE, { period }, { db: jobDb(tx) });
    return { recipients };
  });
}
