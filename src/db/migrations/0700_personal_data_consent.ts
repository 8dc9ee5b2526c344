import { type Kysely, sql } from 'kysely';

/**
 * What a registrant agreed to when ticking the personal-data box (Law of the Republic of
 * Kazakhstan No. 94-V): which version of the privacy text, when, in which language, from which
 * client. One row per agreement; rows are never changed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
create table personal_data_consents (
  id bigserial primary key,
  user_id int not null references users(id) on delete cascade,
  text_version text not null,
  locale text not null check (locale in ('kk', 'ru', 'en')),
  agreed_at timestamptz not null default now(),
  ip text,
  user_agent text
);
create index personal_data_consents_user_idx on personal_data_consents (user_id, agreed_at desc);
`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table personal_data_consents;`.execute(db);
}
