import { type Kysely, sql } from 'kysely';

/**
 * The token page answers its create form with a redirect (decision 170): `shown_at` records that
 * the page after the redirect showed the token, so it is shown once even if the sealed cookie
 * that carries it were sent again; `form_key` is the key drawn into the create form, so the same
 * form sent twice (a double click, a resend from history) makes one token.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
alter table api_tokens add column shown_at timestamptz;
alter table api_tokens add column form_key text check (length(form_key) between 8 and 100);
create unique index api_tokens_form_key on api_tokens (user_id, form_key) where form_key is not null;
`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
drop index api_tokens_form_key;
alter table api_tokens drop column form_key;
alter table api_tokens drop column shown_at;
`.execute(db);
}
