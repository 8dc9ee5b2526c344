import { type Kysely, sql } from 'kysely';

/**
 * The administrator's second factor is limited per user, not per login: failed codes count until a
 * code is accepted (a new password login does not reset them), and the last accepted 30-second
 * step is kept so one code never opens a second session.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
alter table users
  add column totp_last_step int,
  add column totp_failed int not null default 0,
  add column totp_locked_until timestamptz;
`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
alter table users
  drop column if exists totp_last_step,
  drop column if exists totp_failed,
  drop column if exists totp_locked_until;
`.execute(db);
}
