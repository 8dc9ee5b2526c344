import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import iconv from 'iconv-lite';
import type pg from 'pg';
import { type DB, serverPool } from '../db/database';
import type { Locale } from '../i18n/locales';
import { instanceId } from '../jobs/instance';
import { type ExchangeProblem, problemText } from './exchange.messages';
import {
  finishExchangeRun,
  markBillingDataAsOf,
  markBillingDataAsOfOn,
  refIds,
  startExchangeRun,
} from './exchange.queries';
import {
  type DbRow,
  declaredEncoding,
  type FileKind,
  KIND_ORDER,
  kindOfFile,
  type RefName,
  type Refs,
  resolveRef,
  toRow,
} from './formats';
import { type FoundProblems, stagedWrite } from './staging';
import { inServerTransaction } from './staging.queries';
import { upsertRows } from './upsert.queries';

export interface ImportOptions {
  /** Language of the report's messages. */
  locale?: Locale;
  /** Called as the file is read: bytes done, bytes in all. */
  onProgress?: (done: number, total: number) => void;
  /** Rows per database statement (a batch, or a segment of the staging path). */
  batchSize?: number;
  /**
   * How rows reach the tables on a PostgreSQL server: COPY into a staging table, checks in SQL
   * and an insert or upsert per segment (`staging`, the default), or batched upserts
   * (`batches`, the embedded database's only way).
   */
  method?: 'staging' | 'batches';
}

export interface ReportedProblem extends ExchangeProblem {
  message: string;
}

export interface ImportReport {
  runId: number;
  file: string;
  kind: string | null;
  encoding: 'utf-8' | 'windows-1251' | null;
  /** succeeded: every row applied; rejected: bad rows, nothing applied; failed: the database refused. */
  status: 'succeeded' | 'rejected' | 'failed';
  rowsRead: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  problems: ReportedProblem[];
}

/** At most this many problems are kept in a report; the count of rejected rows is always exact. */
const MAX_PROBLEMS = 1000;

class Rejected extends Error {}

/** Imports one uploaded file (the back-office upload calls this). */
export function importFile(
  db: DB,
  file: { name: string; bytes: Uint8Array },
  options: ImportOptions = {},
): Promise<ImportReport> {
  const chunks = async function* () {
    const size = 1 << 20;
    for (let i = 0; i < file.bytes.length; i += size) yield Buffer.from(file.bytes.subarray(i, i + size));
  };
  return importSource(db, file.name, chunks(), file.bytes.length, options);
}

/** Imports a file, or every CSV file of a directory in dependency order (streets before buildings...). */
export async function importPath(db: DB, path: string, options: ImportOptions = {}): Promise<ImportReport[]> {
  const info = await stat(path);
  const files = info.isDirectory() ? orderFiles((await readdir(path)).map((f) => join(path, f))) : [path];
  const reports: ImportReport[] = [];
  for (const file of files) {
    const size = (await stat(file)).size;
    reports.push(
      await importSource(
        db,
        basename(file),
        createReadStream(file, { highWaterMark: 1 << 20 }),
        size,
        options,
      ),
    );
  }
  return reports;
}

/** CSV files of a directory, ordered so references resolve: by kind, then by name. */
export function orderFiles(files: string[]): string[] {
  const rank = (f: string) => {
    const kind = kindOfFile(f);
    return kind ? KIND_ORDER.indexOf(kind.name) : KIND_ORDER.length;
  };
  return files
    .filter((f) => f.toLowerCase().endsWith('.csv'))
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

async function importSource(
  db: DB,
  name: string,
  source: AsyncIterable<Buffer>,
  totalBytes: number,
  options: ImportOptions,
): Promise<ImportReport> {
  const locale = options.locale ?? 'ru';
  const kind = kindOfFile(name) ?? null;
  const runId = await startExchangeRun(db, { kind: 'import', file: name, owner: instanceId(db) });
  const report: ImportReport = {
    runId,
    file: name,
    kind: kind?.name ?? null,
    encoding: null,
    status: 'succeeded',
    rowsRead: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    rejected: 0,
    problems: [],
  };
  const problem = (line: number, code: ExchangeProblem['code'], params?: ExchangeProblem['params']) => {
    report.rejected += line > 0 ? 1 : 0;
    if (report.problems.length < MAX_PROBLEMS) {
      const p: ExchangeProblem = { file: name, line, code, ...(params ? { params } : {}) };
      report.problems.push({ ...p, message: problemText(p, locale) });
    }
  };

  if (!kind) {
    problem(0, 'unknownFile');
    report.status = 'rejected';
  } else {
    try {
      const file: FileImport = { kind, name, source, totalBytes, options, report, problem };
      const pool = options.method === 'batches' ? undefined : serverPool(db);
      if (pool) {
        await importStaged(pool, file);
      } else {
        await db.transaction().execute(async (tx) => {
          await applyInBatches(tx, file);
          if (report.problems.length > 0) throw new Rejected();
          await markBillingDataAsOf(tx);
        });
      }
    } catch (error) {
      if (!(error instanceof Rejected)) {
        report.status = 'failed';
        problem(0, 'database', { detail: (error as Error).message });
      } else {
        report.status = 'rejected';
      }
      report.inserted = 0;
      report.updated = 0;
      report.unchanged = 0;
    }
  }
  await finishExchangeRun(db, runId, {
    status: report.status,
    rows_read: report.rowsRead,
    rows_inserted: report.inserted,
    rows_updated: report.updated,
    rows_unchanged: report.unchanged,
    rows_rejected: report.rejected,
    errors: JSON.stringify(report.problems.map(({ message: _, ...p }) => p)),
  });
  return report;
}

/**
 * The PostgreSQL server's path: COPY into a staging table, references and repeated keys checked
 * in SQL, rows written segment by segment, all in one transaction on one connection
 * (see ./staging.ts).
 */
async function importStaged(pool: pg.Pool, file: FileImport) {
  const { kind, name, options, report } = file;
  await inServerTransaction(pool, async (client) => {
    const write = await stagedWrite(client, kind, options.batchSize);
    const staged = await write.stage(
      (sink) => readRows(file, sink),
      () => report.problems.length === 0,
    );
    const found: FoundProblems[] = [];
    if (staged.rows > 0) {
      const refs = await write.unknownRefs();
      found.push(refs);
      if (report.problems.length > 0 || refs.count > 0 || !staged.complete) {
        // Rejected; list the repeated keys too so the report names every bad row.
        found.push(await write.duplicates());
      } else if (staged.rows - staged.inserted > 0 && (await write.hasRepeatedKey())) {
        // A key new to the table cannot come twice within a segment without the segment's
        // statement failing, and across segments its second row is not an insert; so only a
        // file some of whose rows were not inserted can repeat a key.
        found.push(await write.duplicates());
      }
    }
    for (const f of found) {
      report.rejected += f.count;
      for (const p of f.problems) {
        const named = { ...p, file: name };
        report.problems.push({ ...named, message: problemText(named, options.locale ?? 'ru') });
      }
    }
    // Problems found while reading and in SQL, in line order (file-level ones first).
    report.problems.sort((a, b) => a.line - b.line);
    report.problems.splice(MAX_PROBLEMS);
    if (report.problems.length > 0) throw new Rejected();
    // Not reachable: a segment left unwritten always comes with a problem listed above.
    if (!staged.complete) throw new Error('a segment of the file was not written');
    report.inserted = staged.inserted;
    report.updated = staged.updated;
    report.unchanged = staged.rows - staged.inserted - staged.updated;
    await markBillingDataAsOfOn(client);
  });
}

/** One file being imported: what it is, where its bytes come from, and where its outcome goes. */
export interface FileImport {
  kind: FileKind;
  name: string;
  source: AsyncIterable<Buffer>;
  totalBytes: number;
  options: ImportOptions;
  report: ImportReport;
  problem: ProblemSink;
}

/** Records a problem of the file (line 0) or of a row. */
export type ProblemSink = (
  line: number,
  code: ExchangeProblem['code'],
  params?: ExchangeProblem['params'],
) => void;

/**
 * Receives every row that passed the row checks, with the reference still a code (see
 * `FileKind.ref`); a returned promise is awaited before the next row (back-pressure).
 */
export type RowSink = (line: number, row: DbRow) => void | Promise<void>;

/** Reads, decodes and parses a file and checks every row; problems go to `problem`, good rows to `sink`. */
export async function readRows(file: FileImport, sink: RowSink): Promise<void> {
  const { kind, name, source, totalBytes, options, report, problem } = file;
  let header: string[] | null = null;
  let columnIndex: number[] = [];
  let done = 0;
  const decoded = decode(source, declaredEncoding(name), (n) => {
    done += n;
    options.onProgress?.(done, totalBytes);
  });
  const first = await decoded.next();
  if (first.done) {
    problem(0, 'empty');
    return;
  }
  report.encoding = first.value.encoding;
  const firstLine = first.value.text.split('\n', 1)[0] ?? '';
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  const parser = parse({
    delimiter,
    info: true,
    skip_empty_lines: true,
    trim: true,
    relax_column_count: true,
    bom: true,
  });
  const texts = async function* () {
    yield first.value.text;
    for await (const chunk of { [Symbol.asyncIterator]: () => decoded }) yield chunk.text;
  };
  const input = Readable.from(texts());
  input.on('error', (error) => parser.destroy(error));
  input.pipe(parser);
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const { record, info } = item;
      const line = info.lines;
      if (!header) {
        header = record.map((h) => h.trim().toLowerCase());
        const known = new Set(kind.columns.map((c) => c.name));
        for (const h of header) if (!known.has(h)) problem(0, 'unknownColumn', { column: h });
        for (const c of kind.columns)
          if (c.required && !header.includes(c.name)) problem(0, 'missingColumn', { column: c.name });
        if (report.problems.length) return;
        columnIndex = kind.columns.map((c) => header!.indexOf(c.name));
        continue;
      }
      report.rowsRead += 1;
      if (record.length !== header.length) {
        problem(line, 'badCsv', { detail: `${record.length} ≠ ${header.length}` });
        continue;
      }
      const values: Record<string, unknown> = {};
      let bad = false;
      for (let i = 0; i < kind.columns.length; i++) {
        const column = kind.columns[i]!;
        const idx = columnIndex[i]!;
        const cell = idx >= 0 ? (record[idx] ?? '') : '';
        if (cell === '') {
          if (column.required) {
            problem(line, 'required', { column: column.name });
            bad = true;
            break;
          }
          values[column.name] = column.fallback ?? null;
          continue;
        }
        const parsed = column.parse(cell);
        if (!parsed.ok) {
          problem(line, parsed.code, { column: column.name, ...parsed.params });
          bad = true;
          break;
        }
        values[column.name] = parsed.value;
      }
      if (bad) continue;
      const result = toRow(kind, values);
      if ('problem' in result) {
        problem(line, result.problem.code, result.problem.params);
        continue;
      }
      const wait = sink(line, result.row);
      if (wait) await wait;
    }
  } catch (error) {
    if (error instanceof NotUtf8) {
      problem(0, 'notUtf8');
      return;
    }
    const e = error as Error & { lines?: number; code?: unknown };
    if (!(typeof e.code === 'string' && e.code.startsWith('CSV_'))) throw error;
    problem(e.lines ?? 0, 'badCsv', { detail: e.message });
    return;
  }
  if (!header) problem(0, 'empty');
}

/**
 * The embedded database's path (and the server's with `method: 'batches'`): references resolved
 * and duplicates found in JavaScript, rows written in batches of upserts inside the caller's
 * transaction.
 */
async function applyInBatches(tx: DB, file: FileImport) {
  const { kind, options, report, problem } = file;
  const refs = await loadRefs(tx, kind.ref ? [kind.ref.to] : []);
  const batchSize = options.batchSize ?? 10_000;
  let batch: DbRow[] = [];
  let writing: Promise<void> = Promise.resolve();
  const flush = async () => {
    const rows = batch;
    batch = [];
    // One statement in flight while the next batch is parsed.
    await writing;
    writing = (async () => {
      const counts = await upsertRows(tx, kind, rows);
      report.inserted += counts.inserted;
      report.updated += counts.updated;
      report.unchanged += rows.length - counts.inserted - counts.updated;
    })();
    writing.catch(() => {});
  };

  const seen = new Map<string, number>();
  await readRows(file, (line, codes) => {
    const result = resolveRef(kind, codes, refs);
    if ('problem' in result) {
      problem(line, result.problem.code, result.problem.params);
      return;
    }
    const key = kind.conflict.map((c) => String(result.row[c])).join('|');
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      problem(line, 'duplicate', {
        key: kind.conflict.map((c) => `${c}=${result.row[c]}`).join(', '),
        line: earlier,
      });
      return;
    }
    seen.set(key, line);
    if (report.problems.length) return; // keep validating, stop writing
    batch.push(result.row);
    if (batch.length >= batchSize) return flush();
  });
  if (report.problems.length) {
    await writing.catch(() => {});
    return;
  }
  if (batch.length) await flush();
  await writing;
}

class NotUtf8 extends Error {}

/**
 * Bytes to text. UTF-8 unless the name declares Windows-1251 or the first megabyte is not valid
 * UTF-8 (then Windows-1251, the usual encoding of Kazakh accounting exports).
 */
async function* decode(
  source: AsyncIterable<Buffer>,
  declared: 'utf-8' | 'windows-1251' | undefined,
  progress: (bytes: number) => void,
): AsyncGenerator<{ text: string; encoding: 'utf-8' | 'windows-1251' }> {
  let encoding: 'utf-8' | 'windows-1251' | undefined = declared;
  let utf8: TextDecoder | undefined;
  let cp1251: ReturnType<typeof iconv.getDecoder> | undefined;
  for await (const chunk of source) {
    progress(chunk.length);
    if (!encoding) {
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(chunk, { stream: true });
        encoding = 'utf-8';
      } catch {
        encoding = 'windows-1251';
      }
    }
    if (encoding === 'utf-8') {
      utf8 ??= new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
      let text: string;
      try {
        text = utf8.decode(chunk, { stream: true });
      } catch {
        throw new NotUtf8();
      }
      if (text) yield { text, encoding };
    } else {
      cp1251 ??= iconv.getDecoder('win1251');
      const text = cp1251.write(chunk);
      if (text) yield { text, encoding };
    }
  }
  if (utf8) {
    try {
      const rest = utf8.decode();
      if (rest) yield { text: rest, encoding: 'utf-8' };
    } catch {
      throw new NotUtf8();
    }
  }
}

async function loadRefs(db: DB, names: RefName[]): Promise<Refs> {
  const refs = {
    streets: new Map(),
    buildings: new Map(),
    premises: new Map(),
    accounts: new Map(),
    meters: new Map(),
  } as Refs;
  for (const name of names) refs[name] = await refIds(db, name);
  return refs;
}
