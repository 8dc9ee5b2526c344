import { type Kysely, sql } from 'kysely';

/**
 * The outbox keeps what to render, not the rendered files (docs/decisions/120-outbox-renders-at-delivery.md).
 * `documents` names the PDFs a message carries (kind, account, months, language); the deliverer
 * renders them when it sends. Rows written before keep their base64 `attachments` and are
 * delivered as they are; a message already sent never needs its bytes again, so they are dropped.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
alter table mail_outbox add column documents jsonb;
update mail_outbox set attachments = '[]'::jsonb where status = 'sent' and attachments <> '[]'::jsonb;
-- The oldest waiting message (metrics, back-office) without reading the sent ones.
create index mail_outbox_waiting_idx on mail_outbox (created_at) where status in ('pending', 'sending');
`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
drop index mail_outbox_waiting_idx;
alter table mail_outbox drop column documents;
`.execute(db);
}
