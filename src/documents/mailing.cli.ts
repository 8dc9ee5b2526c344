import { isPeriod, readPeriod } from '../calendar/calendar';
import { loadConfig } from '../config';
import { openDatabaseOrExit } from '../db/database';
import { migrateToLatest } from '../db/migrate';
import { startJobQueue } from '../jobs/queue';
import { mailingReport, resumeInvoiceMailings, startInvoiceMailing, startMailingWorker } from './mailing';

/**
 * npm run mailing -- report [YYYY-MM]   per month: subscribers, sent, failed, pending, no data
 * npm run mailing -- start YYYY-MM      start a month's mailing; a running app sends it
 * npm run mailing -- work                send unfinished mailings from this process, as the app's
 *                                        worker does, until stopped (Ctrl-C, SIGTERM)
 */
const [command, period] = process.argv.slice(2);
const config = loadConfig();
const handle = await openDatabaseOrExit(config);
try {
  await migrateToLatest(handle.db);
  if (command === 'start' && period && isPeriod(period)) {
    const { recipients, runningSince } = await startInvoiceMailing(handle.db, null, period);
    if (runningSince) {
      console.error(`The mailing of ${period} is already running since ${runningSince.toISOString()}.`);
      process.exitCode = 1;
    } else
      console.log(`Mailing of ${period} started: ${recipients} new recipients. The app's worker sends it.`);
  } else if (command === 'report' && (!period || isPeriod(period))) {
    const rows = await mailingReport(handle.db, (period && readPeriod(period)) || undefined);
    console.table(
      rows.map((r) => ({
        month: r.period,
        started: r.startedAt.toISOString(),
        completed: r.completedAt?.toISOString() ?? 'in progress',
        subscribers: r.total,
        sent: r.sent,
        failed: r.failed,
        pending: r.pending,
        'no data': r.skipped,
      })),
    );
  } else if (command === 'work' && !period) {
    await work();
  } else {
    console.error('Usage: npm run mailing -- report [YYYY-MM] | start YYYY-MM | work');
    process.exitCode = 2;
  }
} finally {
  await handle.close();
}

/**
 * The app's mailing worker without the app: takes the mailing jobs, resumes unfinished months at
 * start and every minute, and stops between two messages on SIGINT or SIGTERM. A process killed
 * outright leaves at most the message it was writing uncommitted; the next worker sends the rest.
 */
async function work() {
  const jobs = await startJobQueue(handle.db, { supervise: true });
  const worker = await startMailingWorker(handle.db, jobs, { perSecond: config.MAILING_PER_SECOND });
  const resume = setInterval(() => {
    resumeInvoiceMailings(handle.db, jobs).catch((error) => console.error(`resume failed: ${error.message}`));
  }, 60_000);
  console.log(`Mailing worker running on ${handle.describe}.`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearInterval(resume);
  await worker.stop();
  await jobs.stop({ graceful: true, wait: true, timeout: 10_000 });
}
