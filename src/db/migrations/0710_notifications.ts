import { type Kysely, sql } from 'kysely';

/**
 * Reminders and alerts (docs/decisions/151-notifications.md): what each customer turned off, and
 * every message sent, once per (customer, kind, subject) — the unique key is what keeps a
 * message from going out twice across app processes and restarts.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
create table notification_preferences (
  user_id int not null references users(id) on delete cascade,
  kind text not null check (kind in ('readings_reminder', 'verification_due', 'high_consumption', 'payment_due')),
  enabled boolean not null,
  updated_at timestamptz not null default now(),
  primary key (user_id, kind)
);
create table notifications_sent (
  id bigserial primary key,
  user_id int not null references users(id) on delete cascade,
  account_id int references accounts(id),
  kind text not null,
  -- What the message is about within its kind: the account and month, the meter and stage...
  subject_key text not null,
  channel text not null default 'email',
  outbox_id bigint,
  sent_at timestamptz not null default now(),
  unique (user_id, kind, subject_key)
);
create index notifications_sent_kind_at_idx on notifications_sent (kind, sent_at);
alter table mail_outbox add column headers jsonb;
`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
alter table mail_outbox drop column headers;
drop table notifications_sent;
drop table notification_preferences;
`.execute(db);
}
