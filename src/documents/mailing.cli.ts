import { isPeriod } from '../billing/period';
import { loadConfig } from '../config';
import { openConfiguredDatabase } from '../db/database';
import { migrateToLatest } from '../db/migrate';
import { mailingReport, startInvoiceMailing } from './mailing';

/**
 * npm run mailing -- report [YYYY-MM]   per month: subscribers, sent, failed, pending, no data
 * npm run mailing -- start YYYY-MM      start a month's mailing; a running app sends it
 */
const [command, period] = process.argv.slice(2);
const config = loadConfig();
const handle = await openConfiguredDatabase(config).catch((error) => {
  console.error(error.message);
  process.exit(1);
});
try {
  await migrateToLatest(handle.db);
  if (command === 'start' && period && isPeriod(period)) {
    const { recipients } = await startInvoiceMailing(handle.db, null, period);
    console.log(`Mailing of ${period} started: ${recipients} new recipients. The app's worker sends it.`);
  } else if (command === 'report' && (!period || isPeriod(period))) {
    const rows = await mailingReport(handle.db, period);
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
  } else {
    console.error('Usage: npm run mailing -- report [YYYY-MM] | start YYYY-MM');
    process.exitCode = 2;
  }
} finally {
  await handle.close();
}
