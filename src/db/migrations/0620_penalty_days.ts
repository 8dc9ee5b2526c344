import { type Kysely, sql } from 'kysely';

/**
 * The basis of a month's penalty by the day (SPEC.md section 4): runs of consecutive days with the
 * same overdue amount, refinancing rate and coefficient, as the billing run computed them, so the
 * invoice shows what the penalty was charged on without recomputing the ledger.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
create table penalty_days (
  account_id int not null references accounts(id),
  period date not null check (extract(day from period) = 1),
  from_on date not null,
  to_on date not null,
  days int not null check (days > 0),
  overdue_tiyn bigint not null check (overdue_tiyn > 0),
  refinancing_rate_bp int not null,
  coefficient numeric(8, 4) not null,
  primary key (account_id, period, from_on),
  check (to_on >= from_on)
);
create index penalty_days_period_idx on penalty_days (period);
`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists penalty_days`.execute(db);
}
