import { type Insertable, sql } from 'kysely';
import type { DB } from '../db/database';
import type { MailOutboxTable } from '../db/schema';

/** Stores one message; its id, or null when a message with its dedupe key is already there. */
export async function insertMail(db: DB, row: Insertable<MailOutboxTable>): Promise<number | null> {
  return (await insertMails(db, [row]))[0]?.id ?? null;
}

/**
 * Stores messages in one statement; the id and dedupe key of each one stored, leaving out those
 * whose dedupe key is already there.
 */
export async function insertMails(db: DB, rows: Insertable<MailOutboxTable>[]) {
  if (rows.length === 0) return [];
  return db
    .insertInto('mail_outbox')
    .values(rows)
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returning(['id', 'dedupe_key'])
    .execute();
}

/** The newest messages of the outbox, for the dev mailbox. */
export function mailboxMessages(db: DB, limit = 200) {
  return db
    .selectFrom('mail_outbox')
    .select(['id', 'to_address', 'subject', 'created_at', 'status'])
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
export type MailboxRow = Awaited<ReturnType<typeof mailboxMessages>>[number];

/** One message of the outbox, or undefined. */
export function mailboxMessage(db: DB, id: number) {
  return db.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirst();
}
export type MailboxMessage = NonNullable<Awaited<ReturnType<typeof mailboxMessage>>>;

/**
 * Claims up to `limit` due messages (pending, or sending with an expired lease) in one statement,
 * FOR UPDATE SKIP LOCKED: each is marked 'sending' with a lease of `leaseMs` and its attempt
 * counted, so several processes never pick the same message.
 *
 * The claim walks `mail_outbox_claim_idx` in its order and stops after `limit` entries, however
 * many messages wait. The planner only chooses that walk when its statistics say many messages
 * wait; a month's mailing queues them faster than the statistics follow (an outbox last analysed
 * with none waiting, or emptied by TRUNCATE), and then it read every waiting message and sorted
 * them all for each claim: 44 ms a claim of 40 with 50,000 waiting, instead of 0.1. Sorting is
 * turned off for this transaction only, so the ordered walk is the plan whatever the statistics
 * say (test: src/mail/outbox.queries.test.ts).
 */
export async function claimDueMail(db: DB, limit: number, leaseMs: number) {
  return db.transaction().execute(async (tx) => {
    await sql`set local enable_sort = off`.execute(tx);
    return tx
      .updateTable('mail_outbox')
      .set((eb) => ({
        status: 'sending',
        attempts: eb('attempts', '+', 1),
        next_attempt_at: sql<Date>`now() + ${leaseMs} * interval '1 millisecond'`,
      }))
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('mail_outbox')
          .select('id')
          .where('status', 'in', ['pending', 'sending'])
          .where('next_attempt_at', '<=', sql<Date>`now()`)
          .orderBy('next_attempt_at')
          .orderBy('id')
          .limit(limit)
          .forUpdate()
          .skipLocked(),
      )
      .returningAll()
      .execute();
  });
}
export type ClaimedMail = Awaited<ReturnType<typeof claimDueMail>>[number];

/** The server accepted the message. */
export async function markMailSent(db: DB, id: number): Promise<void> {
  await db
    .updateTable('mail_outbox')
    .set({ status: 'sent', sent_at: sql<Date>`now()`, last_error: null })
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .execute();
}

/** A sending attempt failed: due again after `retryInMs`, or 'failed' for good when `giveUp`. */
export async function markMailAttemptFailed(
  db: DB,
  id: number,
  attempt: { error: string; giveUp: boolean; retryInMs: number },
): Promise<void> {
  await db
    .updateTable('mail_outbox')
    .set({
      status: attempt.giveUp ? 'failed' : 'pending',
      last_error: attempt.error,
      next_attempt_at: sql<Date>`now() + ${attempt.retryInMs} * interval '1 millisecond'`,
    })
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .execute();
}

/** The outbox id of the message stored under a dedupe key, or null. */
export async function outboxIdByDedupeKey(db: DB, key: string): Promise<number | null> {
  return (await outboxIdsByDedupeKeys(db, [key])).get(key) ?? null;
}

/** The ids of the messages stored under these dedupe keys, by key. */
export async function outboxIdsByDedupeKeys(db: DB, keys: string[]): Promise<Map<string, number>> {
  if (keys.length === 0) return new Map();
  const rows = await db
    .selectFrom('mail_outbox')
    .select(['id', 'dedupe_key'])
    .where('dedupe_key', 'in', keys)
    .execute();
  return new Map(rows.map((r) => [r.dedupe_key ?? '', r.id]));
}

/**
 * The outbox at a glance: messages waiting (pending or being sent), of them those whose last
 * attempt failed, messages given up on, and when the oldest waiting message was written.
 */
export async function outboxState(db: DB) {
  const row = await db
    .selectFrom('mail_outbox')
    .select((eb) => [
      eb.fn.countAll<string>().filterWhere('status', 'in', ['pending', 'sending']).as('waiting'),
      eb.fn
        .countAll<string>()
        .filterWhere((w) =>
          w.and([w('status', 'in', ['pending', 'sending']), w('last_error', 'is not', null)]),
        )
        .as('retrying'),
      eb.fn.countAll<string>().filterWhere('status', '=', 'failed').as('failed'),
      eb.fn.min('created_at').filterWhere('status', 'in', ['pending', 'sending']).as('oldest'),
      sql<Date>`now()`.as('now'),
    ])
    .where('status', 'in', ['pending', 'sending', 'failed'])
    .executeTakeFirstOrThrow();
  const oldest = row.oldest === null ? null : new Date(row.oldest as unknown as string);
  return {
    waiting: Number(row.waiting),
    retrying: Number(row.retrying),
    failed: Number(row.failed),
    oldestWaiting: oldest,
    /** Seconds the oldest waiting message has waited, by the database's clock; 0 when none waits. */
    oldestWaitingSeconds: oldest ? Math.max(0, (new Date(row.now).getTime() - oldest.getTime()) / 1000) : 0,
  };
}
export type OutboxState = Awaited<ReturnType<typeof outboxState>>;

/**
 * The messages that need an operator's eye, newest first: given up on, or waiting after a failed
 * attempt (with the error and when the next attempt is due).
 */
export function troubledMail(db: DB, limit = 100) {
  return db
    .selectFrom('mail_outbox')
    .select([
      'id',
      'to_address',
      'purpose',
      'status',
      'attempts',
      'next_attempt_at',
      'last_error',
      'created_at',
    ])
    .where((w) =>
      w.or([
        w('status', '=', 'failed'),
        w.and([w('status', 'in', ['pending', 'sending']), w('last_error', 'is not', null)]),
      ]),
    )
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
export type TroubledMail = Awaited<ReturnType<typeof troubledMail>>[number];
