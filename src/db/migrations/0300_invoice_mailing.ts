import { type Kysely, sql } from 'kysely';

/**
 * The monthly invoice mailing: one row per month that was (or is being) mailed, and one row per
 * subscriber of that month with what happened to their message. The message itself lives in
 * mail_outbox under the dedupe key `invoice.monthly:<user>:<YYYY-MM>`, so it exists at most once.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
create table invoice_mailings (
  period date primary key check (extract(day from period) = 1),
  started_at timestamptz not null default now(),
  started_by int references users(id),
  completed_at timestamptz
);

create table invoice_mailing_recipients (
  period date not null references invoice_mailings(period),
  user_id int not null references users(id) on delete cascade,
  status text not null default 'pending' check (status in ('pending', 'queued', 'skipped', 'failed')),
  outbox_id bigint references mail_outbox(id),
  error text,
  updated_at timestamptz not null default now(),
  primary key (period, user_id)
);
create index invoice_mailing_recipients_status_idx on invoice_mailing_recipients (period, status, user_id);
`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists invoice_mailing_recipients, invoice_mailings`.execute(db);
}
