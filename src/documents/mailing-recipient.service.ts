import type { Period } from '../calendar/calendar';
import type { DB } from '../db/database';
import { enqueueMails, type OutgoingMail } from '../mail/outbox';
import { outboxIdsByDedupeKeys } from '../mail/outbox.queries';
import { markRecipientsQueued } from './mailing.queries';

/**
 * Mails a batch of a month's recipients: in one transaction their messages go into the outbox
 * under their dedupe keys and their rows are marked queued. A process stopping in between loses
 * the whole transaction (the rows stay pending, no message of the batch exists), so a run repeated
 * after a crash never mails twice. Returns how many new messages were stored (a message already
 * there under its key, from an earlier run, is not stored again).
 */
export async function queueRecipientMails(
  db: DB,
  request: {
    period: Period;
    recipients: { userId: number; mail: OutgoingMail & { dedupeKey: string } }[];
    signal?: AbortSignal;
  },
): Promise<number> {
  const { period, recipients } = request;
  if (recipients.length === 0) return 0;
  return db.transaction().execute(async (tx) => {
    const inserted = await enqueueMails(
      tx,
      recipients.map((r) => r.mail),
    );
    const ids = new Map(inserted.map((row) => [row.dedupe_key ?? '', row.id]));
    const earlier = recipients.map((r) => r.mail.dedupeKey).filter((key) => !ids.has(key));
    for (const [key, id] of await outboxIdsByDedupeKeys(tx, earlier)) ids.set(key, id);
    request.signal?.throwIfAborted();
    await markRecipientsQueued(
      tx,
      period,
      recipients.map((r) => ({ userId: r.userId, outboxId: ids.get(r.mail.dedupeKey) ?? null })),
    );
    return inserted.length;
  });
}
