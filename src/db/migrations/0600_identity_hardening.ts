import { type Kysely, sql } from 'kysely';

/**
 * Identity hardening: failed logins counted per (login, client) and per login across all clients
 * instead of a lock on the user (which let anyone lock the owner out); the IIN a household gives
 * at registration, kept only as an argon2id hash (it proves ownership in password recovery); and
 * one-time sign-in links mailed when a login under attack is given its right password.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
-- client is the client's IP address, or '*' for the count over every client. login is stored
-- lower-cased as typed, known or not, so unknown logins are counted (and answered) the same way.
create table login_throttle (
  login text not null,
  client text not null,
  failures int not null default 0,
  last_failure_at timestamptz not null default now(),
  primary key (login, client)
);
create index login_throttle_last_failure_idx on login_throttle (last_failure_at);

alter table users add column iin_hash text;

alter table one_time_tokens drop constraint if exists one_time_tokens_purpose_check;
alter table one_time_tokens add constraint one_time_tokens_purpose_check
  check (purpose in ('confirm_email', 'reset_password', 'change_email', 'unlock_login'));
`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
delete from one_time_tokens where purpose = 'unlock_login';
alter table one_time_tokens drop constraint if exists one_time_tokens_purpose_check;
alter table one_time_tokens add constraint one_time_tokens_purpose_check
  check (purpose in ('confirm_email', 'reset_password', 'change_email'));
alter table users drop column if exists iin_hash;
drop table if exists login_throttle;
`.execute(db);
}
