import { type Kysely, sql } from 'kysely';

/**
 * Readings typed on a form sent after the session had expired, kept through the login so the form
 * comes back filled in (docs/decisions/130-readings-kept-through-an-expired-session.md). Never a
 * submitted reading: the customer still checks and submits them. One per account (the newest
 * replaces it), found by the hash of a random token held in an http-only cookie of the browser that
 * typed them, for 30 minutes.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
create table reading_drafts (
  account_id int primary key references accounts(id) on delete cascade,
  token_hash text not null unique,
  typed jsonb not null,
  expires_at timestamptz not null,
  created_at timestamptz not null default now()
);
create index reading_drafts_expires_at on reading_drafts (expires_at);
`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table reading_drafts;`.execute(db);
}
