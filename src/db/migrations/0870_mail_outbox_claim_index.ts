import { type Kysely, sql } from 'kysely';

/**
 * The messages waiting to be sent, in the order a delivery claims them (`claimDueMail`,
 * src/mail/outbox.queries.ts: due first, then by id). The index of all statuses could only find
 * the waiting rows and sort every one of them for each claim of a few dozen: at a month's mailing,
 * with 100,000 messages waiting, about 100 ms of the database's time per claim of 40. This one
 * holds only the waiting rows, already in that order, so a claim reads about as many entries as it
 * takes messages.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
create index mail_outbox_claim_idx on mail_outbox (next_attempt_at, id) where status in ('pending', 'sending');
`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index mail_outbox_claim_idx;`.execute(db);
}
