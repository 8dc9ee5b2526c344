import { type Kysely, sql } from 'kysely';

/**
 * Back-office and public information pages: the second factor of administrators' sessions,
 * questions from the public with their answers, and announcements (planned outages) by street.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
-- A session of an administrator counts only after its TOTP code was checked.
create table session_second_factor (
  session_hash text primary key references sessions(id_hash) on delete cascade,
  verified_at timestamptz not null default now()
);

create table questions (
  id serial primary key,
  name text not null,
  email text not null,
  user_id int references users(id) on delete set null,
  account_number text,
  topic text not null,
  body text not null,
  locale text not null default 'kk' check (locale in ('kk', 'ru', 'en')),
  status text not null default 'new' check (status in ('new', 'answered')),
  answer text,
  answered_by int references users(id),
  answered_at timestamptz,
  published boolean not null default false,
  created_at timestamptz not null default now()
);
create index questions_status_idx on questions (status, created_at);
create index questions_published_idx on questions (published, answered_at desc);

create table notes (
  id serial primary key,
  title text not null,
  body text not null,
  starts_on date not null,
  ends_on date not null check (ends_on >= starts_on),
  created_by int references users(id),
  created_at timestamptz not null default now()
);
create index notes_dates_idx on notes (ends_on desc);

create table note_streets (
  note_id int not null references notes(id) on delete cascade,
  street_id int not null references streets(id),
  primary key (note_id, street_id)
);
`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists note_streets, notes, questions, session_second_factor cascade`.execute(db);
}
