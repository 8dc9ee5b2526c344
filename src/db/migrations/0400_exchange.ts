import { type Kysely, sql } from 'kysely';

/**
 * Data exchange with the billing system: a record of every import and export run, and export
 * batches so every reading submitted in the cabinet is exported exactly once, even when an
 * export is interrupted (docs/decisions/040-exchange-files.md).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
create table exchange_runs (
  id bigserial primary key,
  kind text not null check (kind in ('import', 'export')),
  file text not null,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  status text not null default 'running' check (status in ('running', 'succeeded', 'rejected', 'failed')),
  rows_read int not null default 0,
  rows_inserted int not null default 0,
  rows_updated int not null default 0,
  rows_unchanged int not null default 0,
  rows_rejected int not null default 0,
  errors jsonb not null default '[]'
);
create index exchange_runs_started_idx on exchange_runs (started_at desc);

create table export_batches (
  id bigserial primary key,
  created_at timestamptz not null default now(),
  file text,
  rows int not null default 0,
  finished_at timestamptz
);

alter table readings add column export_batch_id bigint references export_batches(id);
create index readings_unexported_idx on readings (id) where exported_at is null;
create index readings_export_batch_idx on readings (export_batch_id) where export_batch_id is not null;
`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
alter table readings drop column if exists export_batch_id;
drop table if exists export_batches, exchange_runs;
`.execute(db);
}
