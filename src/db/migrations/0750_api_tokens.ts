import { type Kysely, sql } from 'kysely';

/**
 * Personal access tokens for the JSON API (docs/decisions/145-api-tokens.md): a customer's
 * smart-meter gateway or home automation sends `Authorization: Bearer <token>`. Only the
 * SHA-256 of the token is kept; `hint` is its first characters, to tell tokens apart in the list.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
create table api_tokens (
  id serial primary key,
  user_id int not null references users(id) on delete cascade,
  name text not null check (length(name) between 1 and 60),
  token_hash text not null unique,
  hint text not null,
  scopes text[] not null check (cardinality(scopes) >= 1),
  created_at timestamptz not null default now(),
  expires_at timestamptz,
  last_used_at timestamptz,
  revoked_at timestamptz
);
create index api_tokens_user on api_tokens (user_id, created_at);
`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table api_tokens;`.execute(db);
}
