import type pg from 'pg';
import type { ExchangeProblem } from './exchange.messages';
import type { DbRow, FileKind } from './formats';
import { stagingTables } from './staging.queries';

/**
 * The PostgreSQL server's import path (docs/decisions/040-exchange-files.md): the checked rows
 * of a file are streamed with COPY, segment by segment, into a temporary table; each segment
 * goes into the real table with one `insert ... select` (plain while every key is new, else
 * `on conflict ... do update`) while the next segment is parsed, and is kept in the file's
 * staging table, where references and repeated keys are then checked in set-based SQL.
 * Everything happens in one transaction on one connection, so a rejected file leaves nothing
 * behind (the staging tables included).
 */

/** Problems of one kind fetched from the database for the report (the count is always exact). */
const LIST_LIMIT = 1000;
/** COPY data is sent in pieces of about this many characters. */
const CHUNK = 1 << 16;
/** Rows parsed between two turns of the event loop (which sends COPY data and reads replies). */
const YIELD_ROWS = 2000;
/** Rows of the first segment; each next one is twice as large, up to the last size. */
const SEGMENT_ROWS = [20_000, 40_000, 80_000, 160_000, 250_000];

/** A problem found in SQL, with the total number of rows having it. */
export interface FoundProblems {
  problems: ExchangeProblem[];
  count: number;
}

/** The first rows a problem query listed (each row carries the query's total), as problems of one code. */
function listed<R extends { line: number; total: number }>(
  rows: R[],
  code: ExchangeProblem['code'],
  params: (row: R) => ExchangeProblem['params'],
): FoundProblems {
  return {
    count: rows[0]?.total ?? 0,
    problems: rows.map((r) => ({ file: '', line: r.line, code, params: params(r) })),
  };
}

export interface Staged {
  /** Rows staged. */
  rows: number;
  inserted: number;
  updated: number;
  /** Every segment was upserted without a repeated key; false: the file must be rejected. */
  complete: boolean;
}

export interface StagedWrite {
  /**
   * Streams the file's checked rows into the staging table and upserts them segment by
   * segment while `writing()` says so (no problem found yet): the server works on one segment
   * while the next is parsed. Returns when the file is read and every segment is written.
   */
  stage(
    read: (sink: (line: number, row: DbRow) => void | Promise<void>) => Promise<void>,
    writing: () => boolean,
  ): Promise<Staged>;
  /** References that do not resolve, by line (none if the kind has no reference). */
  unknownRefs(): Promise<FoundProblems>;
  /** Rows whose key an earlier row of the file already has (rows with unknown references aside). */
  duplicates(): Promise<FoundProblems>;
  /** Whether any key occurs twice among the staged rows. */
  hasRepeatedKey(): Promise<boolean>;
}

/** Prepares the staging tables for `kind` on `client`, which must be inside a transaction. */
export async function stagedWrite(
  client: pg.PoolClient,
  kind: FileKind,
  /** Rows per segment; by default segments grow from 20,000 to 250,000 rows. */
  segmentRows?: number,
): Promise<StagedWrite> {
  const ref = kind.ref;
  const columns = kind.dbColumns.map(([c]) => c);
  const tables = stagingTables(client, kind);
  await tables.create();

  return {
    async stage(read, writing) {
      const staged: Staged = { rows: 0, inserted: 0, updated: 0, complete: true };
      let segment: string[] = [];
      let rowsInSegment = 0;
      let segments = 0;
      let text = '';
      let server: Promise<void> = Promise.resolve();
      let tryInsert = true;

      /** The server's part of a segment: COPY it in, upsert it, keep it for the checks. */
      const write = async (chunks: string[]) => {
        await tables.copySegment(chunks);
        if (staged.complete && writing()) {
          await tables.savepoint();
          let inserted = false;
          if (tryInsert) {
            // New rows (a first import, a new month) go in by a plain insert; the first key
            // already stored (or repeated) fails it, and this file is upserted from then on.
            try {
              staged.inserted += await tables.insertSegment();
              inserted = true;
            } catch (error) {
              // 23505: unique violation.
              if ((error as { code?: string }).code !== '23505') throw error;
              await tables.rollbackToSavepoint();
              tryInsert = false;
            }
          }
          if (!inserted) {
            try {
              const result = await tables.upsertSegment();
              staged.inserted += result.inserted;
              staged.updated += result.updated;
            } catch (error) {
              // 21000: "ON CONFLICT DO UPDATE command cannot affect row a second time": a key
              // came twice in this segment. The checks after the last segment list where.
              if ((error as { code?: string }).code !== '21000') throw error;
              await tables.rollbackToSavepoint();
              staged.complete = false;
            }
          }
          await tables.releaseSavepoint();
        } else {
          staged.complete = false;
        }
        await tables.keepSegment();
      };
      const flush = async () => {
        if (text) segment.push(text);
        text = '';
        const chunks = segment;
        segment = [];
        rowsInSegment = 0;
        segments += 1;
        // One segment at the server while the next is parsed.
        await server;
        server = write(chunks);
        server.catch(() => {});
      };
      const limit = () => segmentRows ?? SEGMENT_ROWS[Math.min(segments, SEGMENT_ROWS.length - 1)]!;

      await read((line, row) => {
        let out = String(line);
        for (const c of columns) out += `\t${copyValue(row[c] ?? null)}`;
        text += `${out}\n`;
        staged.rows += 1;
        rowsInSegment += 1;
        if (text.length >= CHUNK) {
          segment.push(text);
          text = '';
        }
        if (rowsInSegment >= limit()) return flush();
        // Parsing keeps the event loop busy; let the socket move the segment at the server.
        if (rowsInSegment % YIELD_ROWS === 0) return new Promise<void>((resolve) => setImmediate(resolve));
      }).finally(() => server.catch(() => {}));
      if (rowsInSegment > 0) await flush();
      await server;
      await tables.analyze();
      return staged;
    },

    async unknownRefs() {
      if (!ref) return { problems: [], count: 0 };
      const rows = await tables.unknownRefs(LIST_LIMIT);
      return listed(rows, 'unknownRef', (r) => ({ column: ref.field, value: r.value }));
    },

    async duplicates() {
      const rows = await tables.duplicates(LIST_LIMIT);
      return listed(rows, 'duplicate', (r) => ({
        key: kind.conflict.map((c) => `${c}=${r.key[c]}`).join(', '),
        line: r.first,
      }));
    },

    hasRepeatedKey: () => tables.hasRepeatedKey(),
  };
}

/** A value in COPY's text format: `\N` for null, backslash escapes for the special characters. */
export function copyValue(value: string | number | null): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]!) : value;
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
