import { type Kysely, sql } from 'kysely';

/**
 * The readings form of all premises (src/premises) sent after the session expired keeps what was
 * typed for every account it names under one browser token: a row per account (still one per
 * account, the newest replacing it), so the token is no longer unique; it is still how a draft is
 * found (decision 130).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
alter table reading_drafts drop constraint reading_drafts_token_hash_key;
create index reading_drafts_token_hash on reading_drafts (token_hash);
`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
delete from reading_drafts;
drop index reading_drafts_token_hash;
alter table reading_drafts add constraint reading_drafts_token_hash_key unique (token_hash);
`.execute(db);
}
