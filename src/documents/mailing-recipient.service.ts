import type { Period } from '../calendar/calendar';
import type { DB } from '../db/database';
import { enqueueMail, type OutgoingMail } from '../mail/outbox';
import { outboxIdByDedupeKey } from '../mail/outbox.queries';
import { settleRecipient } from './mailing.queries';

/**
 * Mails one recipient of a month's mailing: in one transaction the message goes into the outbox
 * under its dedupe key and the recipient's row is marked queued. A process stopping in between
 * loses the whole transaction (the row stays pending, no message exists), so a run repeated after
 * a crash never mails twice. True when a new message was stored.
 */
export async function queueRecipientMail(
  db: DB,
  request: {
    period: Period;
    userId: number;
    mail: OutgoingMail & { dedupeKey: string };
    signal?: AbortSignal;
  },
): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const inserted = await enqueueMail(tx, request.mail);
    const outboxId = inserted ?? (await outboxIdByDedupeKey(tx, request.mail.dedupeKey));
    request.signal?.throwIfAborted();
    await settleRecipient(tx, request.period, request.userId, { status: 'queued', outboxId });
    return inserted !== null;
  });
}
