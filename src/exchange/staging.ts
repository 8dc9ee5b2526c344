import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { ExchangeProblem } from './exchange.messages';
import { type DbRow, type FileKind, refKey } from './formats';
import { upsertFrom } from './upsert-sql';

/**
 * The PostgreSQL server's import path (docs/decisions/040-exchange-files.md): the checked rows
 * of a file are streamed with COPY into a temporary staging table, references and duplicate keys
 * are then checked in set-based SQL, and one `insert ... select ... on conflict` per file moves
 * them into the real table. Everything happens in one transaction on one connection, so a
 * rejected file leaves nothing behind (the staging table included).
 */

const STAGE = 'exchange_stage';
/** Problems of one kind fetched from the database for the report (the count is always exact). */
const LIST_LIMIT = 1000;
/** COPY data is sent in pieces of about this many characters. */
const CHUNK = 1 << 16;

/** A problem found in SQL, with the total number of rows having it. */
export interface FoundProblems {
  problems: ExchangeProblem[];
  count: number;
}

export interface StagedWrite {
  /** Streams the file's checked rows into the staging table; returns when the file is read. */
  stage(read: (sink: (line: number, row: DbRow) => void | Promise<void>) => Promise<void>): Promise<void>;
  /** References that do not resolve, by line (none if the kind has no reference). */
  unknownRefs(): Promise<FoundProblems>;
  /** Rows whose key an earlier row of the file already has (rows with unknown references aside). */
  duplicates(): Promise<FoundProblems>;
  /** Upserts the staged rows; throws `DuplicateKeys` when the file repeats a key. */
  upsert(): Promise<{ inserted: number; updated: number }>;
  /** Whether any key occurs twice among the staged rows (cheap when it does not). */
  hasRepeatedKey(): Promise<boolean>;
  rows: number;
}

/** Raised by `upsert` when the same key came twice (PostgreSQL's cardinality violation). */
export class DuplicateKeys extends Error {}

/** Prepares the staging table for `kind` on `client`, which must be inside a transaction. */
export async function stagedWrite(client: pg.PoolClient, kind: FileKind): Promise<StagedWrite> {
  const ref = kind.ref;
  const stageType = (column: string, type: string) => (ref?.column === column ? 'text' : type);
  const columns = kind.dbColumns.map(([c]) => c);
  // Sorting and hashing all keys of a large file needs more than the default 4 MB.
  await client.query(`set local work_mem = '256MB'`);
  await client.query(
    `create temporary table ${STAGE} (line int not null, ${kind.dbColumns
      .map(([c, t]) => `${c} ${stageType(c, t)}`)
      .join(', ')}) on commit drop`,
  );
  const refJoin = ref ? `join ${ref.to} r on r.${refKey(ref.to)} = s.${ref.column}` : '';
  const resolved = ref
    ? `where exists (select 1 from ${ref.to} r where r.${refKey(ref.to)} = s.${ref.column})`
    : '';
  const key = kind.conflict.map((c) => `s.${c}`).join(', ');

  const write: StagedWrite = {
    rows: 0,

    async stage(read) {
      const copy = client.query(copyFrom(`copy ${STAGE} (line, ${columns.join(', ')}) from stdin`));
      let failure: Error | undefined;
      copy.on('error', (error: Error) => {
        failure ??= error;
      });
      let text = '';
      const send = async () => {
        const chunk = text;
        text = '';
        if (failure) throw failure;
        if (!copy.write(chunk)) await once(copy, 'drain');
      };
      try {
        await read((line, row) => {
          let out = String(line);
          for (const c of columns) out += `\t${copyValue(row[c] ?? null)}`;
          text += `${out}\n`;
          write.rows += 1;
          if (text.length >= CHUNK) return send();
        });
        if (text) await send();
      } catch (error) {
        copy.destroy(error as Error);
        await finished(copy).catch(() => {});
        throw error;
      }
      copy.end();
      await finished(copy);
      await client.query(`analyze ${STAGE}`);
    },

    async unknownRefs() {
      if (!ref) return { problems: [], count: 0 };
      const result = await client.query<{ line: number; value: string; total: number }>(
        `select s.line, s.${ref.column} as value, (count(*) over ())::int as total
         from ${STAGE} s
         where not exists (select 1 from ${ref.to} r where r.${refKey(ref.to)} = s.${ref.column})
         order by s.line limit ${LIST_LIMIT}`,
      );
      return {
        count: result.rows[0]?.total ?? 0,
        problems: result.rows.map((r) => ({
          file: '',
          line: r.line,
          code: 'unknownRef',
          params: { column: ref.field, value: r.value },
        })),
      };
    },

    async duplicates() {
      // The key as the report shows it: the reference column with the id it resolves to.
      const shown = kind.conflict.map((c) =>
        ref?.column === c
          ? `(select r.id from ${ref.to} r where r.${refKey(ref.to)} = d.${c})::text as ${c}`
          : `d.${c}::text as ${c}`,
      );
      const result = await client.query<
        Record<string, string> & { line: number; first: number; total: number }
      >(
        `select d.line, d.first, ${shown.join(', ')}, (count(*) over ())::int as total
         from (
           select s.line, min(s.line) over (partition by ${key}) as first, ${key}
           from ${STAGE} s ${resolved}
         ) d
         where d.line > d.first
         order by d.line limit ${LIST_LIMIT}`,
      );
      return {
        count: result.rows[0]?.total ?? 0,
        problems: result.rows.map((r) => ({
          file: '',
          line: r.line,
          code: 'duplicate',
          params: { key: kind.conflict.map((c) => `${c}=${r[c]}`).join(', '), line: r.first },
        })),
      };
    },

    async hasRepeatedKey() {
      const result = await client.query(
        `select 1 from ${STAGE} s group by ${key} having count(*) > 1 limit 1`,
      );
      return result.rows.length > 0;
    },

    async upsert() {
      const values = columns.map((c) => (ref?.column === c ? 'r.id' : `s.${c}`));
      await client.query('savepoint exchange_upsert');
      try {
        const result = await client.query<{ inserted: number; updated: number }>(
          upsertFrom(kind, values, `${STAGE} s ${refJoin}`),
        );
        await client.query('release savepoint exchange_upsert');
        return result.rows[0] ?? { inserted: 0, updated: 0 };
      } catch (error) {
        // 21000: "ON CONFLICT DO UPDATE command cannot affect row a second time".
        if ((error as { code?: string }).code !== '21000') throw error;
        await client.query('rollback to savepoint exchange_upsert');
        throw new DuplicateKeys();
      }
    },
  };
  return write;
}

/** A value in COPY's text format: `\N` for null, backslash escapes for the special characters. */
export function copyValue(value: string | number | null): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]!) : value;
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
