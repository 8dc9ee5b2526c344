import { type Kysely, sql } from 'kysely';

/**
 * Several accounts under one login (docs/decisions/160-several-accounts-under-one-login.md): the
 * account a customer chose in the header switcher, kept on the user so it holds on every device and
 * after the next login; and the one-time token that lets the holder of an account's earlier cabinet
 * remove a link someone else added.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
alter table users add column chosen_account_id int references accounts(id) on delete set null;
alter table one_time_tokens drop constraint if exists one_time_tokens_purpose_check;
alter table one_time_tokens add constraint one_time_tokens_purpose_check
  check (purpose in ('confirm_email', 'reset_password', 'change_email', 'unlock_login', 'revoke_account_link'));
`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
delete from one_time_tokens where purpose = 'revoke_account_link';
alter table one_time_tokens drop constraint if exists one_time_tokens_purpose_check;
alter table one_time_tokens add constraint one_time_tokens_purpose_check
  check (purpose in ('confirm_email', 'reset_password', 'change_email', 'unlock_login'));
alter table users drop column if exists chosen_account_id;
`.execute(db);
}
