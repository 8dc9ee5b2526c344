import { CompiledQuery } from 'kysely';
import type { DB } from '../db/database';
import type { DbRow, FileKind } from './formats';

/**
 * Upserts one batch of checked rows (references resolved to ids) into the kind's table in one
 * statement (see `upsertSql`); answers how many were inserted and how many updated.
 */
export async function upsertRows(
  tx: DB,
  kind: FileKind,
  rows: DbRow[],
): Promise<{ inserted: number; updated: number }> {
  const result = await tx.executeQuery<{ inserted: number; updated: number }>(
    CompiledQuery.raw(upsertSql(kind), [JSON.stringify(rows)]),
  );
  return result.rows[0] ?? { inserted: 0, updated: 0 };
}

/**
 * One statement per batch: the rows travel as one JSON parameter, are upserted by the billing
 * system's key, and a row whose values did not change is not touched (so a second import of the
 * same file changes nothing). Returns how many rows were inserted and how many updated.
 */
export function upsertSql(kind: FileKind): string {
  const record = kind.dbColumns.map(([c, t]) => `${c} ${t}`).join(', ');
  return upsertFrom(
    kind,
    kind.dbColumns.map(([c]) => c),
    `json_to_recordset($1::json) as r(${record})`,
  );
}

/**
 * `insert into <table> select <values> from <from> on conflict (<key>) do update ... where
 * changed`, counting inserted and updated rows; the rest were unchanged.
 */
export function upsertFrom(kind: FileKind, values: string[], from: string): string {
  const cols = kind.dbColumns.map(([c]) => c);
  const extra = Object.entries(kind.insertOnly ?? {});
  const updates = cols.filter((c) => !kind.conflict.includes(c));
  return `with up as (
  insert into ${kind.table} (${[...cols, ...extra.map(([c]) => c)].join(', ')})
  select ${[...values, ...extra.map(([, e]) => e)].join(', ')} from ${from}
  on conflict (${kind.conflict.join(', ')}) do update set ${updates.map((c) => `${c} = excluded.${c}`).join(', ')}
  where (${updates.map((c) => `${kind.table}.${c}`).join(', ')}) is distinct from (${updates.map((c) => `excluded.${c}`).join(', ')})
  returning (xmax = 0) as ins
)
select (count(*) filter (where ins))::int as inserted, (count(*) filter (where not ins))::int as updated from up`;
}

/**
 * The same rows as `upsertFrom` with a plain insert: cheaper for the server (no speculative
 * insertion), and it fails with a unique violation if any key is already stored.
 */
export function insertFrom(kind: FileKind, values: string[], from: string): string {
  const cols = kind.dbColumns.map(([c]) => c);
  const extra = Object.entries(kind.insertOnly ?? {});
  return `insert into ${kind.table} (${[...cols, ...extra.map(([c]) => c)].join(', ')})
  select ${[...values, ...extra.map(([, e]) => e)].join(', ')} from ${from}`;
}
