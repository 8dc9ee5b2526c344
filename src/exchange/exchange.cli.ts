import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { loadConfig } from '../config';
import { openDatabaseOrExit } from '../db/database';
import { migrateToLatest } from '../db/migrate';
import { isLocale, type Locale } from '../i18n/locales';
import { startInstance } from '../jobs/instance';
import { AlreadyRunning, RUNS, singleFlight } from '../jobs/single-flight';
import { problemText } from './exchange.messages';
import { exportReadings } from './export.service';
import { type ImportReport, importPath, orderFiles } from './import.service';
import { progressBar } from './progress';

/**
 * npm run exchange -- import <dir or file> [--locale=kk|ru|en]
 * npm run exchange -- export <dir>
 * The locale of the messages comes from --locale or EXCHANGE_LOCALE (default ru).
 */
const args = process.argv.slice(2);
const flag =
  args.find((a) => a.startsWith('--locale='))?.slice('--locale='.length) ?? process.env.EXCHANGE_LOCALE;
const locale: Locale = isLocale(flag) ? flag : 'ru';
const [command, target] = args.filter((a) => !a.startsWith('--'));

const usage =
  'Usage: npm run exchange -- import <dir or file> [--locale=kk|ru|en]\n       npm run exchange -- export <dir>';
if (!command || !target || !['import', 'export'].includes(command)) {
  console.error(usage);
  process.exit(2);
}

const config = loadConfig();
const handle = await openDatabaseOrExit(config);
const instance = await startInstance(handle.db);
try {
  await migrateToLatest(handle.db);
  await singleFlight(handle.db, RUNS.exchange, () => exchange(target as string));
} catch (error) {
  console.error(
    error instanceof AlreadyRunning && error.since
      ? `The exchange is already running since ${error.since.toISOString()}.`
      : (error as Error).message,
  );
  process.exitCode = 1;
} finally {
  await instance.close();
  await handle.close();
}

async function exchange(target: string) {
  if (command === 'import') {
    const info = await stat(target).catch(() => null);
    if (!info) throw new Error(`${target}: no such file or directory`);
    const files = info.isDirectory()
      ? orderFiles((await readdir(target)).map((f) => join(target, f)))
      : [target];
    let failed = false;
    for (const file of files) {
      const bar = progressBar(basename(file));
      const started = Date.now();
      const [report] = (await importPath(handle.db, file, { locale, onProgress: bar.update })) as [
        ImportReport,
      ];
      bar.done();
      printReport(report, (Date.now() - started) / 1000);
      if (report.status !== 'succeeded') failed = true;
    }
    if (failed) process.exitCode = 1;
  } else {
    const result = await exportReadings(handle.db, target);
    console.log(
      result.file
        ? `${result.file}: ${result.rows} readings${result.resumed ? ' (an interrupted export finished)' : ''}`
        : 'No new readings to export.',
    );
  }
}

function printReport(r: ImportReport, seconds: number) {
  const params = {
    file: r.file,
    rows: r.rowsRead,
    encoding: r.encoding ?? '?',
    inserted: r.inserted,
    updated: r.updated,
    unchanged: r.unchanged,
    rejected: r.rejected,
    seconds: seconds.toFixed(1),
  };
  const code = r.status === 'succeeded' ? 'summaryOk' : 'summaryRejected';
  console.log(problemText({ file: r.file, line: 0, code, params }, locale));
  for (const p of r.problems) console.log(`  ${p.file}:${p.line}: ${p.message}`);
}
