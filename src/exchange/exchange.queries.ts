import { CompiledQuery, type Updateable } from 'kysely';
import type pg from 'pg';
import { batched, perDatabase, STATEMENT_BATCHES } from '../db/batching';
import { type DB, executePrepared } from '../db/database';
import type { ExchangeKind, ExchangeRunsTable } from '../db/schema';
import { lockForTransaction } from '../jobs/advisory-locks.queries';
import { LOCK } from '../jobs/locks';
import type { RefName } from './formats';

/** A run of the exchange (an import of one file, or an export) begins: its id. */
export async function startExchangeRun(
  db: DB,
  run: { kind: ExchangeKind; file: string; owner: number | null },
): Promise<number> {
  const row = await db
    .insertInto('exchange_runs')
    .values({ kind: run.kind, file: run.file, errors: '[]', owner: run.owner })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** How a run ended: its status, counts, problems (and the export's file). */
export type RunOutcome = Omit<
  Updateable<ExchangeRunsTable>,
  'id' | 'kind' | 'started_at' | 'finished_at' | 'owner'
>;

/** A run ends now with this outcome. */
export async function finishExchangeRun(db: DB, runId: number, outcome: RunOutcome): Promise<void> {
  await db
    .updateTable('exchange_runs')
    .set({ finished_at: new Date(), ...outcome })
    .where('id', '=', runId)
    .execute();
}

/**
 * The stored "data as of" value (a JSON string, the instant of the last successful import). Every
 * page shows it: requests arriving together share one statement (`batched`), sent after each of
 * them asked, so none is answered from before it came.
 */
export function billingDataAsOfValue(db: DB): Promise<unknown> {
  return dataAsOfLookup(db)('billing_data_as_of');
}

const dataAsOfLookup = perDatabase((db: DB) =>
  batched(async (keys: readonly 'billing_data_as_of'[]) => {
    const [row] = await executePrepared(
      db,
      db.selectFrom('app_state').select('value').where('key', '=', 'billing_data_as_of'),
    );
    return keys.map(() => row?.value);
  }, STATEMENT_BATCHES),
);

const DATA_AS_OF_SQL = `insert into app_state (key, value, updated_at)
  values ('billing_data_as_of', $1::jsonb, now())
  on conflict (key) do update set value = excluded.value, updated_at = now()`;
const now = () => JSON.stringify(new Date().toISOString());

/** The cabinet's "data as of" becomes now (an import succeeded), in the import's transaction. */
export async function markBillingDataAsOf(tx: DB): Promise<void> {
  await tx.executeQuery(CompiledQuery.raw(DATA_AS_OF_SQL, [now()]));
}

/** The same on the raw connection of the server's import (./staging.queries.ts). */
export async function markBillingDataAsOfOn(client: pg.ClientBase): Promise<void> {
  await client.query(DATA_AS_OF_SQL, [now()]);
}

/** Every stored key of a referenced table (account number, or code) with its row id. */
export async function refIds(db: DB, name: RefName): Promise<Map<string, number>> {
  const rows =
    name === 'accounts'
      ? await db.selectFrom('accounts').select(['number as k', 'id']).execute()
      : await db.selectFrom(name).select(['code as k', 'id']).execute();
  return new Map(rows.map((r) => [r.k, r.id]));
}

/** Readings are claimed for export by one transaction at a time (held until it ends). */
export async function lockExportClaim(tx: DB): Promise<void> {
  await lockForTransaction(tx, LOCK.exportClaim);
}

/** The oldest export batch an interrupted export left unfinished, if any. */
export async function unfinishedExportBatch(tx: DB): Promise<number | undefined> {
  const row = await tx
    .selectFrom('export_batches')
    .select('id')
    .where('finished_at', 'is', null)
    .orderBy('id')
    .executeTakeFirst();
  return row?.id;
}

export async function insertExportBatch(tx: DB): Promise<number> {
  const row = await tx.insertInto('export_batches').defaultValues().returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function deleteExportBatch(tx: DB, batchId: number): Promise<void> {
  await tx.deleteFrom('export_batches').where('id', '=', batchId).execute();
}

/**
 * The batch claims every accepted reading not yet exported nor claimed, except those that came
 * from the billing system; answers how many.
 */
export async function claimUnexportedReadings(tx: DB, batchId: number): Promise<number> {
  const claimed = await tx
    .updateTable('readings')
    .set({ export_batch_id: batchId })
    .where('exported_at', 'is', null)
    .where('export_batch_id', 'is', null)
    .where('status', '=', 'accepted')
    .where('source', '<>', 'billing')
    .executeTakeFirst();
  return Number(claimed.numUpdatedRows);
}

/** The readings of a batch with their account and meter, in id order: the export file's rows. */
export function exportBatchReadings(db: DB, batchId: number) {
  return db
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
    .where('r.export_batch_id', '=', batchId)
    .orderBy('r.id')
    .execute();
}

/** The batch's readings are exported now (those not marked yet). */
export async function markBatchReadingsExported(tx: DB, batchId: number): Promise<void> {
  await tx
    .updateTable('readings')
    .set({ exported_at: new Date() })
    .where('export_batch_id', '=', batchId)
    .where('exported_at', 'is', null)
    .execute();
}

/** The batch is finished: its file is in place with this many rows. */
export async function finishExportBatch(tx: DB, batchId: number, file: string, rows: number): Promise<void> {
  await tx
    .updateTable('export_batches')
    .set({ finished_at: new Date(), file, rows })
    .where('id', '=', batchId)
    .execute();
}
