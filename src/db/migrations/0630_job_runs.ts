import { type Kysely, sql } from 'kysely';

/**
 * Runs that happen once across all app processes (docs/decisions/080-single-flight-runs.md):
 * which process instance owns an exchange run, what runs now and since when, and which schedule
 * slots have been run.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
-- An app or CLI process on a PostgreSQL server takes a number and holds an advisory lock on it
-- while it lives (src/jobs/instance.ts).
create sequence app_instance_seq;

-- The process that runs an import or export; a running row whose process is gone is marked failed.
alter table exchange_runs add column owner int;

-- A single-flight run in progress (one row per run name; "already running since ...").
create table running_jobs (
  job text primary key,
  owner int,
  started_at timestamptz not null default now()
);

-- A scheduled slot (e.g. Monday 03:00 Almaty of the weekly exchange) taken by one process.
create table job_slots (
  job text not null,
  slot timestamptz not null,
  started_at timestamptz not null default now(),
  primary key (job, slot)
);
`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
drop table job_slots;
drop table running_jobs;
alter table exchange_runs drop column owner;
drop sequence app_instance_seq;
`.execute(db);
}
