import { sql } from 'kysely';
import type { DB } from '../db/database';

/** A single-flight run began: its name, the instance that runs it, and when. */
export async function markRunStarted(db: DB, job: string, owner: number | null): Promise<void> {
  await db
    .insertInto('running_jobs')
    .values({ job, owner, started_at: sql`now()` as unknown as Date })
    .onConflict((oc) => oc.column('job').doUpdateSet({ owner, started_at: sql`now()` as unknown as Date }))
    .execute();
}

export async function markRunFinished(db: DB, job: string): Promise<void> {
  await db.deleteFrom('running_jobs').where('job', '=', job).execute();
}

/** When the run now in progress began (null while its row is not written yet). */
export async function runningSince(db: DB, job: string): Promise<Date | null> {
  const row = await db
    .selectFrom('running_jobs')
    .select('started_at')
    .where('job', '=', job)
    .executeTakeFirst();
  return row ? new Date(row.started_at) : null;
}

/** Takes a schedule slot; false when another process (or an earlier job) took it already. */
export async function claimSlot(db: DB, job: string, slot: Date): Promise<boolean> {
  const result = await db
    .insertInto('job_slots')
    .values({ job, slot })
    .onConflict((oc) => oc.doNothing())
    .returning('job')
    .executeTakeFirst();
  return result !== undefined;
}

/** Instances that own an exchange run still marked running, other than `self`. */
export async function ownersOfRunningExchangeRuns(db: DB, self: number): Promise<number[]> {
  const rows = await db
    .selectFrom('exchange_runs')
    .select('owner')
    .distinct()
    .where('status', '=', 'running')
    .where('owner', 'is not', null)
    .where('owner', '<>', self)
    .execute();
  return rows.map((r) => r.owner as number);
}

/**
 * Marks as failed the exchange runs still "running" of an instance that is gone (or, with
 * 'all', of any instance: the embedded database is opened by one process only, so at its start
 * nothing can still be running).
 */
export async function failInterruptedExchangeRuns(db: DB, owner: number | 'all'): Promise<number> {
  const result = await sql`
    update exchange_runs set status = 'failed', finished_at = now(),
      errors = coalesce(errors, '[]'::jsonb) || jsonb_build_array(jsonb_build_object('file', file, 'line', 0, 'code', 'interrupted'))
    where status = 'running' and (${owner === 'all'} or owner = ${owner === 'all' ? null : owner}::int)`.execute(
    db,
  );
  return Number(result.numAffectedRows ?? 0);
}
