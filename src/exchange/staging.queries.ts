import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { type FileKind, refKey } from './formats';
import { insertFrom, upsertFrom } from './upsert.queries';

/**
 * The SQL of the server's import path (./staging.ts has the flow): statements on one raw pg
 * connection inside one transaction, since Kysely does not speak COPY FROM STDIN. Table and
 * column names come from the file kinds of ./formats.ts, never from the file.
 */

const STAGE = 'exchange_stage';
const SEGMENT = 'exchange_segment';
const SAVEPOINT = 'exchange_segment';

/**
 * Runs `work` in a transaction on a connection of its own from the pool: committed when it
 * returns, rolled back when it throws (a connection that cannot roll back is closed).
 */
export async function inServerTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch((e: Error) => {
      broken = e;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}

/** A row of a problem query: its line, and how many rows have the problem in all. */
interface Counted {
  line: number;
  total: number;
}

/** The statements on the staging tables of one file of `kind`. */
export interface StagingTables {
  /** Creates both tables (dropped at commit) with room to sort and hash the file's keys. */
  create(): Promise<void>;
  /** Streams the COPY text of one segment into the segment table. */
  copySegment(chunks: string[]): Promise<void>;
  /** The segment into the real table by a plain insert: rows inserted (fails on a stored key: 23505). */
  insertSegment(): Promise<number>;
  /** The segment into the real table by an upsert (fails on a key repeated in the segment: 21000). */
  upsertSegment(): Promise<{ inserted: number; updated: number }>;
  savepoint(): Promise<void>;
  rollbackToSavepoint(): Promise<void>;
  releaseSavepoint(): Promise<void>;
  /** The segment's rows move to the file's staging table, for the checks after the last one. */
  keepSegment(): Promise<void>;
  /** Statistics for the checks' plans. */
  analyze(): Promise<void>;
  /** Rows whose reference does not resolve, by line, at most `limit`. */
  unknownRefs(limit: number): Promise<(Counted & { value: string })[]>;
  /** Rows whose key an earlier row has (unknown references aside), by line, at most `limit`. */
  duplicates(limit: number): Promise<(Counted & { first: number; key: Record<string, string> })[]>;
  /** Whether any key occurs twice among the staged rows. */
  hasRepeatedKey(): Promise<boolean>;
}

export function stagingTables(client: pg.PoolClient, kind: FileKind): StagingTables {
  const ref = kind.ref;
  const stageType = (column: string, type: string) => (ref?.column === column ? 'text' : type);
  const columns = kind.dbColumns.map(([c]) => c);
  const refJoin = ref ? `join ${ref.to} r on r.${refKey(ref.to)} = s.${ref.column}` : '';
  const resolved = ref
    ? `where exists (select 1 from ${ref.to} r where r.${refKey(ref.to)} = s.${ref.column})`
    : '';
  const key = kind.conflict.map((c) => `s.${c}`).join(', ');
  // Rows with an unknown reference drop out of the join; the check after the last segment
  // rejects the file then.
  const values = columns.map((c) => (ref?.column === c ? 'r.id' : `s.${c}`));
  const upsert = upsertFrom(kind, values, `${SEGMENT} s ${refJoin}`);
  const insert = insertFrom(kind, values, `${SEGMENT} s ${refJoin}`);

  return {
    async create() {
      // Sorting and hashing all keys of a large file needs more than the default 4 MB.
      await client.query(`set local work_mem = '256MB'`);
      // Every row of the file (for the checks), and the segment being written.
      for (const table of [STAGE, SEGMENT])
        await client.query(
          `create temporary table ${table} (line int not null, ${kind.dbColumns
            .map(([c, t]) => `${c} ${stageType(c, t)}`)
            .join(', ')}) on commit drop`,
        );
    },
    async copySegment(chunks) {
      await pipeline(
        Readable.from(chunks),
        client.query(copyFrom(`copy ${SEGMENT} (line, ${columns.join(', ')}) from stdin`)),
      );
    },
    async insertSegment() {
      return (await client.query(insert)).rowCount ?? 0;
    },
    async upsertSegment() {
      const result = await client.query<{ inserted: number; updated: number }>(upsert);
      return { inserted: result.rows[0]?.inserted ?? 0, updated: result.rows[0]?.updated ?? 0 };
    },
    async savepoint() {
      await client.query(`savepoint ${SAVEPOINT}`);
    },
    async rollbackToSavepoint() {
      await client.query(`rollback to savepoint ${SAVEPOINT}`);
    },
    async releaseSavepoint() {
      await client.query(`release savepoint ${SAVEPOINT}`);
    },
    async keepSegment() {
      await client.query(`insert into ${STAGE} select * from ${SEGMENT}`);
      await client.query(`truncate ${SEGMENT}`);
    },
    async analyze() {
      await client.query(`analyze ${STAGE}`);
    },

    async unknownRefs(limit) {
      if (!ref) return [];
      const result = await client.query<Counted & { value: string }>(
        `select s.line, s.${ref.column} as value, (count(*) over ())::int as total
         from ${STAGE} s
         where not exists (select 1 from ${ref.to} r where r.${refKey(ref.to)} = s.${ref.column})
         order by s.line limit ${limit}`,
      );
      return result.rows;
    },

    async duplicates(limit) {
      // The key as the report shows it: the reference column with the id it resolves to.
      const shown = kind.conflict.map((c) =>
        ref?.column === c
          ? `(select r.id from ${ref.to} r where r.${refKey(ref.to)} = d.${c})::text as ${c}`
          : `d.${c}::text as ${c}`,
      );
      const result = await client.query<Record<string, string> & Counted & { first: number }>(
        `select d.line, d.first, ${shown.join(', ')}, (count(*) over ())::int as total
         from (
           select s.line, min(s.line) over (partition by ${key}) as first, ${key}
           from ${STAGE} s ${resolved}
         ) d
         where d.line > d.first
         order by d.line limit ${limit}`,
      );
      return result.rows.map((r) => ({
        line: r.line,
        first: r.first,
        total: r.total,
        key: Object.fromEntries(kind.conflict.map((c) => [c, r[c]!])),
      }));
    },

    async hasRepeatedKey() {
      const result = await client.query(
        `select 1 from ${STAGE} s group by ${key} having count(*) > 1 limit 1`,
      );
      return result.rows.length > 0;
    },
  };
}
