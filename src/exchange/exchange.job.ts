import { mkdir, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import cronParser from 'cron-parser';
import type { DB } from '../db/database';
import { ensureQueue, ensureSchedule, type JobQueue } from '../jobs/queue';
import { claimSlot } from '../jobs/runs.queries';
import { AlreadyRunning, RUNS, singleFlight } from '../jobs/single-flight';
import { type ExportResult, exportReadings } from './export.service';
import { type ImportReport, importPath, orderFiles } from './import.service';

export const EXCHANGE_QUEUE = 'exchange-weekly';
/** The utility's time zone: the schedule's "Monday 03:00" is Almaty time. */
export const EXCHANGE_TZ = 'Asia/Almaty';

export interface ExchangeSettings {
  EXCHANGE_CRON: string;
  EXCHANGE_DIR: string;
}

export interface ExchangeRunResult {
  imports: ImportReport[];
  export: ExportResult;
}

/**
 * The weekly exchange: every CSV file the billing system left in EXCHANGE_DIR/in is imported
 * (in dependency order) and moved to in/done or in/rejected; then the new readings are exported
 * to EXCHANGE_DIR/out. The cabinet's "data as of" is the last successful import.
 */
export async function runExchange(db: DB, dir: string, now = new Date()): Promise<ExchangeRunResult> {
  const inbox = join(dir, 'in');
  await mkdir(inbox, { recursive: true });
  const files = orderFiles((await readdir(inbox)).map((f) => join(inbox, f)));
  const stamp = now.toISOString().replace(/[-:]/g, '').slice(0, 15);
  const imports: ImportReport[] = [];
  for (const file of files) {
    const [report] = (await importPath(db, file)) as [ImportReport];
    imports.push(report);
    const target = join(inbox, report.status === 'succeeded' ? 'done' : 'rejected');
    await mkdir(target, { recursive: true });
    await rename(file, join(target, `${stamp}_${report.file}`));
  }
  return { imports, export: await exportReadings(db, join(dir, 'out')) };
}

/**
 * The schedule slot a job of the weekly exchange belongs to: the latest cron time at or before
 * the job was created. pg-boss's timekeepers in several processes may each enqueue a job for the
 * same slot; the slot is run once (job_slots).
 */
export function exchangeSlot(cron: string, createdOn: Date): Date {
  return cronParser
    .parseExpression(cron, { tz: EXCHANGE_TZ, currentDate: new Date(createdOn.getTime() + 1000) })
    .prev()
    .toDate();
}

/**
 * Schedules the weekly exchange (cron in Almaty time) and runs it in this process's worker:
 * once per slot across all processes, never while another exchange runs (a slot that finds one
 * running is skipped: the running one takes the same files).
 */
export async function registerExchangeJob(
  jobs: JobQueue,
  deps: {
    db: DB;
    config: ExchangeSettings;
    log: { info(o: object, m: string): void; error(o: object, m: string): void };
  },
) {
  await ensureQueue(jobs, EXCHANGE_QUEUE);
  await ensureSchedule(jobs, EXCHANGE_QUEUE, deps.config.EXCHANGE_CRON, { tz: EXCHANGE_TZ });
  await jobs.work(EXCHANGE_QUEUE, { includeMetadata: true }, async ([job]) => {
    if (!job) return;
    const slot = exchangeSlot(deps.config.EXCHANGE_CRON, new Date(job.createdOn));
    try {
      await singleFlight(deps.db, RUNS.exchange, async () => {
        if (!(await claimSlot(deps.db, EXCHANGE_QUEUE, slot))) {
          deps.log.info({ slot }, 'weekly exchange: this slot has run already');
          return;
        }
        const result = await runExchange(deps.db, deps.config.EXCHANGE_DIR);
        deps.log.info(
          {
            slot,
            imported: result.imports.map((r) => ({ file: r.file, status: r.status, rows: r.rowsRead })),
            exported: result.export.rows,
          },
          'weekly exchange finished',
        );
      });
    } catch (error) {
      if (!(error instanceof AlreadyRunning)) throw error;
      deps.log.info({ slot, since: error.since }, 'weekly exchange skipped: an exchange is already running');
    }
  });
}
