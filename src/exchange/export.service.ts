import { mkdir, open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { periodOfDay } from '../calendar/calendar';
import type { DB } from '../db/database';
import { instanceId } from '../jobs/instance';
import { formatM3 } from '../money/litres';
import {
  claimUnexportedReadings,
  deleteExportBatch,
  exportBatchReadings,
  finishExchangeRun,
  finishExportBatch,
  insertExportBatch,
  lockExportClaim,
  markBatchReadingsExported,
  startExchangeRun,
  unfinishedExportBatch,
} from './exchange.queries';

export interface ExportResult {
  batchId: number | null;
  /** Full path of the file written; null when there was nothing to export. */
  file: string | null;
  rows: number;
  /** An earlier export of this batch was interrupted and is finished now. */
  resumed: boolean;
}

export interface ExportOptions {
  /** Runs after the file is in place and before the readings are marked (tests interrupt here). */
  afterWrite?: (file: string) => Promise<void> | void;
}

export const EXPORT_HEADER = [
  'reading_id',
  'account',
  'meter',
  'serial',
  'water',
  'period',
  'value_m3',
  'read_on',
  'source',
  'submitted_at',
];

export function exportFileName(batchId: number): string {
  return `readings-${String(batchId).padStart(6, '0')}.csv`;
}

/**
 * Writes the readings submitted in the cabinet (and by operators, inspectors, phone) since the last
 * export, and marks them exported. Exactly once even when interrupted (docs/decisions/040):
 * 1. in one transaction the unexported readings are claimed by a new batch (or an unfinished
 *    batch is taken up again);
 * 2. the batch's file is written to a temporary name, flushed to disk and renamed into place;
 * 3. in one transaction the batch's readings are marked exported and the batch finished.
 * A crash before 3 leaves the batch unfinished: the next run writes the same file again (same
 * name, same rows) and finishes it. Readings submitted meanwhile go to the next batch.
 */
export async function exportReadings(
  db: DB,
  dir: string,
  options: ExportOptions = {},
): Promise<ExportResult> {
  const runId = await startExchangeRun(db, { kind: 'export', file: dir, owner: instanceId(db) });
  try {
    const result = await exportBatch(db, dir, options);
    await finishExchangeRun(db, runId, {
      status: 'succeeded',
      rows_read: result.rows,
      rows_inserted: result.rows,
      file: result.file ?? dir,
    });
    return result;
  } catch (error) {
    await finishExchangeRun(db, runId, {
      status: 'failed',
      errors: JSON.stringify([{ line: 0, code: 'database', params: { detail: (error as Error).message } }]),
    });
    throw error;
  }
}

async function exportBatch(db: DB, dir: string, options: ExportOptions): Promise<ExportResult> {
  const claim = await claimBatch(db);
  if (!claim) return { batchId: null, file: null, rows: 0, resumed: false };

  const rows = await exportBatchReadings(db, claim.batchId);
  const lines = [EXPORT_HEADER.join(',')];
  for (const r of rows) {
    lines.push(
      [
        r.id,
        r.number,
        csvCell(r.code),
        csvCell(r.serial),
        r.water,
        periodOfDay(r.period),
        formatM3(r.value_l),
        r.read_on,
        r.source,
        new Date(r.submitted_at).toISOString(),
      ].join(','),
    );
  }
  await mkdir(dir, { recursive: true });
  const file = join(dir, exportFileName(claim.batchId));
  await writeDurably(file, `${lines.join('\r\n')}\r\n`);
  await options.afterWrite?.(file);

  await db.transaction().execute(async (tx) => {
    await markBatchReadingsExported(tx, claim.batchId);
    await finishExportBatch(tx, claim.batchId, exportFileName(claim.batchId), rows.length);
  });
  return { batchId: claim.batchId, file, rows: rows.length, resumed: claim.resumed };
}

/**
 * Step 1: the batch to write, in one transaction: an unfinished one taken up again, or a new one
 * that claims the unexported readings; null when there is nothing to export.
 */
function claimBatch(db: DB): Promise<{ batchId: number; resumed: boolean } | null> {
  return db.transaction().execute(async (tx) => {
    await lockExportClaim(tx);
    const unfinished = await unfinishedExportBatch(tx);
    if (unfinished !== undefined) return { batchId: unfinished, resumed: true };
    const batchId = await insertExportBatch(tx);
    if ((await claimUnexportedReadings(tx, batchId)) === 0) {
      await deleteExportBatch(tx, batchId);
      return null;
    }
    return { batchId, resumed: false };
  });
}

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Temporary file, fsync, rename, fsync of the directory: the file is there whole or not at all. */
async function writeDurably(file: string, content: string) {
  const tmp = `${file}.tmp`;
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
  const dirHandle = await open(join(file, '..'), 'r');
  try {
    await dirHandle.sync();
  } catch {
    // Some file systems do not sync directories; the rename is still atomic.
  } finally {
    await dirHandle.close();
  }
}
