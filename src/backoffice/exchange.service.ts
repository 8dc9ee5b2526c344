import type { DB } from '../db/database';
import { type ExchangeRunResult, runExchange } from '../exchange/exchange.job';
import { type ImportReport, importPath } from '../exchange/import.service';
import type { Locale } from '../i18n/locales';
import { AlreadyRunning, RUNS, singleFlight } from '../jobs/single-flight';
import { auditStaff, type StaffActor } from './actor';
import type { ReceivedUpload } from './upload';

export type ImportUploadResult =
  /** No file came, its name was refused, or it was larger than allowed. */
  { kind: 'refused'; reason: 'none' | 'bad-name' | 'too-large' } | { kind: 'imported'; report: ImportReport };

/**
 * The use case "a staff user imports an uploaded file": a refused upload is audited (apart from no
 * file at all); a received file is imported all-or-nothing, audited with its outcome, and removed.
 */
export async function importUploadedFile(
  db: DB,
  actor: StaffActor,
  upload: ReceivedUpload,
  options: { locale: Locale },
): Promise<ImportUploadResult> {
  if (upload.kind !== 'file') {
    if (upload.kind !== 'none')
      await auditStaff(db, actor, 'exchange.upload.refused', '', { reason: upload.kind });
    return { kind: 'refused', reason: upload.kind };
  }
  try {
    const [report] = await importPath(db, upload.path, { locale: options.locale });
    if (!report) return { kind: 'refused', reason: 'none' };
    await auditStaff(db, actor, 'exchange.upload', upload.name, {
      status: report.status,
      rows: report.rowsRead,
      rejected: report.rejected,
    });
    return { kind: 'imported', report };
  } finally {
    await upload.dispose();
  }
}

export type RunExchangeResult =
  /** Started too often: seconds to wait. */
  | { kind: 'limited'; wait: number }
  /** A run is going on (here or on another instance), since when if known. */
  | { kind: 'busy'; since: Date | null }
  | { kind: 'done'; result: ExchangeRunResult };

/**
 * The use case "a staff user runs the exchange now": within the action limit (`limit` counts the
 * attempt and gives the seconds to wait), once at a time across instances; every outcome is audited.
 */
export async function runExchangeNow(
  db: DB,
  actor: StaffActor,
  options: { dir: string; limit: () => Promise<number> },
): Promise<RunExchangeResult> {
  const wait = await options.limit();
  if (wait) {
    await auditStaff(db, actor, 'exchange.run.limited', options.dir, { wait });
    return { kind: 'limited', wait };
  }
  let result: ExchangeRunResult;
  try {
    result = await singleFlight(db, RUNS.exchange, () => runExchange(db, options.dir));
  } catch (error) {
    if (!(error instanceof AlreadyRunning)) throw error;
    await auditStaff(db, actor, 'exchange.run.busy', options.dir, {
      since: error.since?.toISOString() ?? null,
    });
    return { kind: 'busy', since: error.since ?? null };
  }
  await auditStaff(db, actor, 'exchange.run', options.dir, {
    imports: result.imports.length,
    exported: result.export.rows,
  });
  return { kind: 'done', result };
}
