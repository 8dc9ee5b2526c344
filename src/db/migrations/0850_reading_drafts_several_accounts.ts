import { type Kysely, sql } from 'kysely';

/**
 * The readings form of all premises (src/premises) sent after the session expired keeps what was
 * typed for every account it names under one browser token: a row per account and token. A draft
 * is a browser's own: another browser's form for the same account (anyone can send one without a
 * session) adds its own row instead of replacing it (decision 130).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
alter table reading_drafts drop constraint reading_drafts_token_hash_key;
alter table reading_drafts drop constraint reading_drafts_pkey;
alter table reading_drafts add primary key (token_hash, account_id);
create index reading_drafts_account on reading_drafts (account_id);
`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
delete from reading_drafts;
drop index reading_drafts_account;
alter table reading_drafts drop constraint reading_drafts_pkey;
alter table reading_drafts add primary key (account_id);
alter table reading_drafts add constraint reading_drafts_token_hash_key unique (token_hash);
`.execute(db);
}
