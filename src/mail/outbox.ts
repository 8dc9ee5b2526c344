import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';

export interface MailAttachment {
  filename: string;
  contentType: string;
  /** The file's bytes, base64. */
  contentBase64: string;
}

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html?: string | undefined;
  attachments?: MailAttachment[];
  /** What the message is for: 'register.confirm', 'invoice.monthly', ... (reports group by it). */
  purpose: string;
  /** A message with the same key is stored once: a retried action never mails twice. */
  dedupeKey?: string | undefined;
}

/**
 * Puts a message in the durable outbox. Call it with the transaction of the action that causes
 * the message, so both are committed together or not at all; the delivery worker sends it.
 * Returns the outbox id, or null when a message with the same dedupe key is already there.
 */
export async function enqueueMail(db: Kysely<Database>, mail: OutgoingMail): Promise<number | null> {
  const row = await db
    .insertInto('mail_outbox')
    .values({
      to_address: mail.to,
      subject: mail.subject,
      text_body: mail.text,
      html_body: mail.html ?? null,
      attachments: JSON.stringify(mail.attachments ?? []),
      purpose: mail.purpose,
      dedupe_key: mail.dedupeKey ?? null,
    })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id ?? null;
}
