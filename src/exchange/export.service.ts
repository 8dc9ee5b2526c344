import { mkdir, open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'kysely';
import { dateToPeriod } from '../billing/period';
import type { DB } from '../db/database';
import { instanceId } from '../jobs/instance';
import { LOCK } from '../jobs/locks';
import { formatM3 } from '../money/litres';

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
  const run = await db
    .insertInto('exchange_runs')
    .values({ kind: 'export', file: dir, errors: '[]', owner: instanceId(db) })
    .returning('id')
    .executeTakeFirstOrThrow();
  try {
    const result = await exportBatch(db, dir, options);
    await db
      .updateTable('exchange_runs')
      .set({
        finished_at: new Date(),
        status: 'succeeded',
        rows_read: result.rows,
        rows_inserted: result.rows,
        file: result.file ?? dir,
      })
      .where('id', '=', run.id)
      .execute();
    return result;
  } catch (error) {
    await db
      .updateTable('exchange_runs')
      .set({
        finished_at: new Date(),
        status: 'failed',
        errors: JSON.stringify([{ line: 0, code: 'database', params: { detail: (error as Error).message } }]),
      })
      .where('id', '=', run.id)
      .execute();
    throw error;
  }
}

async function exportBatch(db: DB, dir: string, options: ExportOptions): Promise<ExportResult> {
  const claim = await db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(${LOCK.exportClaim}::int)`.execute(tx);
    const unfinished = await tx
      .selectFrom('export_batches')
      .select('id')
      .where('finished_at', 'is', null)
      .orderBy('id')
      .executeTakeFirst();
    if (unfinished) return { batchId: unfinished.id, resumed: true };
    const batch = await tx
      .insertInto('export_batches')
      .defaultValues()
      .returning('id')
      .executeTakeFirstOrThrow();
    const claimed = await tx
      .updateTable('readings')
      .set({ export_batch_id: batch.id })
      .where('exported_at', 'is', null)
      .where('export_batch_id', 'is', null)
      .where('status', '=', 'accepted')
      .where('source', '<>', 'billing')
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0) {
      await tx.deleteFrom('export_batches').where('id', '=', batch.id).execute();
      return null;
    }
    return { batchId: batch.id, resumed: false };
  });
  if (!claim) return { batchId: null, file: null, rows: 0, resumed: false };

  const rows = await db
    .selectFrom('readings as r')
    .innerJoin('meters as m', 'm.id', 'r.meter_id')
    .innerJoin('accounts as a', 'a.id', 'm.account_id')
    .select([
      'r.id',
      'a.number',
      'm.code',
      'm.serial',
      'm.water',
      'r.period',
      'r.value_l',
      'r.read_on',
      'r.source',
      'r.submitted_at',
    ])
    .where('r.export_batch_id', '=', claim.batchId)
    .orderBy('r.id')
    .execute();
  const lines = [EXPORT_HEADER.join(',')];
  for (const r of rows) {
    lines.push(
      [
        r.id,
        r.number,
        csvCell(r.code),
        csvCell(r.serial),
        r.water,
        dateToPeriod(r.period),
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
    await tx
      .updateTable('readings')
      .set({ exported_at: new Date() })
      .where('export_batch_id', '=', claim.batchId)
      .where('exported_at', 'is', null)
      .execute();
    await tx
      .updateTable('export_batches')
      .set({ finished_at: new Date(), file: exportFileName(claim.batchId), rows: rows.length })
      .where('id', '=', claim.batchId)
      .execute();
  });
  return { batchId: claim.batchId, file, rows: rows.length, resumed: claim.resumed };
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
