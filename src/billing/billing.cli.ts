import { readPeriod } from '../calendar/calendar';
import { loadConfig } from '../config';
import { openDatabaseOrExit } from '../db/database';
import { migrateToLatest } from '../db/migrate';
import { AlreadyRunning } from '../jobs/single-flight';
import { formatTiyn } from '../money/tiyn';
import { closeMonthOnce } from './billing-run';

/** npm run billing -- close 2026-10 */
const [command, text] = process.argv.slice(2);
const period = readPeriod(text ?? '');
if (command !== 'close' || !period) {
  console.error('Usage: npm run billing -- close YYYY-MM');
  process.exit(2);
}
const config = loadConfig();
const handle = await openDatabaseOrExit(config);
try {
  await migrateToLatest(handle.db);
  const started = Date.now();
  // One month closing at a time across every process; a second start says so instead of waiting.
  const r = await closeMonthOnce(handle.db, period);
  console.log(
    `${r.period}${r.wasClosed ? ' (computed again)' : ''}: ${r.accounts} accounts, charged ${formatTiyn(r.chargedTiyn)}, penalties ${formatTiyn(r.penaltyTiyn)}, ${r.lateRecalculations} recalculations for late readings, ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
} catch (error) {
  console.error(
    error instanceof AlreadyRunning && error.since
      ? `A month closing is already running since ${error.since.toISOString()}.`
      : (error as Error).message,
  );
  process.exitCode = 1;
} finally {
  await handle.close();
}
