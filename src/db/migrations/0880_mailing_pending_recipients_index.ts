import { type Kysely, sql } from 'kysely';

/**
 * A month's recipients still to be mailed, in the order the mailing takes them
 * (`pendingRecipients`, src/documents/mailing.queries.ts). Through the primary key, each batch
 * walked past every recipient already queued (13.8 ms a batch half-way through a mailing of
 * 100,000); this index holds only the pending ones, so a batch reads as many entries as it takes.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
create index invoice_mailing_recipients_pending_idx on invoice_mailing_recipients (period, user_id)
  where status = 'pending';
`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index invoice_mailing_recipients_pending_idx;`.execute(db);
}
