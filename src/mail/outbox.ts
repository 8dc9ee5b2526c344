import type { Insertable } from 'kysely';
import type { DB } from '../db/database';
import type { MailOutboxTable } from '../db/schema';
import { insertMail, insertMails } from './outbox.queries';

/** A file attached to a message written before the outbox rendered at delivery (base64 bytes). */
export interface MailAttachment {
  filename: string;
  contentType: string;
  /** The file's bytes, base64. */
  contentBase64: string;
}

/** One document the deliverer renders as a PDF and attaches, in the message's language. */
export type MailDocument =
  | { kind: 'invoice'; account: number; period: string }
  | { kind: 'statement'; account: number; from: string; to: string };

/** What the deliverer renders for a message: documents of accounts, in one language. */
export interface MailDocuments {
  locale: string;
  documents: MailDocument[];
  /**
   * The user the documents are mailed to: when the message is sent, the documents of accounts the
   * user no longer holds are left out, and a message left with none is not sent. Messages written
   * before it was recorded have none.
   */
  holder?: number;
}

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html?: string | undefined;
  /**
   * PDFs to attach: stored as what to render (a few dozen bytes), rendered when the message is
   * sent, so the outbox never holds file bytes (docs/decisions/120-outbox-renders-at-delivery.md).
   */
  documents?: MailDocuments | undefined;
  /**
   * Extra header lines, e.g. List-Unsubscribe and List-Unsubscribe-Post (RFC 8058) of reminders.
   * Only the names in MAIL_HEADERS are sent.
   */
  headers?: Partial<Record<MailHeader, string>> | undefined;
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
export function enqueueMail(db: DB, mail: OutgoingMail): Promise<number | null> {
  return insertMail(db, outboxRow(mail));
}

/**
 * Puts several messages in the outbox in one statement (call it in the transaction of the action
 * that causes them). The id and dedupe key of each message stored; those whose dedupe key is
 * already there are left out.
 */
export function enqueueMails(db: DB, mails: OutgoingMail[]) {
  return insertMails(db, mails.map(outboxRow));
}

function outboxRow(mail: OutgoingMail): Insertable<MailOutboxTable> {
  return {
    to_address: mail.to,
    subject: mail.subject,
    text_body: mail.text,
    html_body: mail.html ?? null,
    documents: mail.documents ? JSON.stringify(mail.documents) : null,
    headers: mail.headers ? JSON.stringify(pickHeaders(mail.headers)) : null,
    purpose: mail.purpose,
    dedupe_key: mail.dedupeKey ?? null,
  };
}

/** The header lines a message of ours may add to the ones the transport writes. */
export const MAIL_HEADERS = ['List-Unsubscribe', 'List-Unsubscribe-Post', 'List-Id'] as const;
export type MailHeader = (typeof MAIL_HEADERS)[number];

/** The allowed headers of `headers`, their values on one line (no header can be smuggled in). */
export function pickHeaders(headers: Partial<Record<string, unknown>>): Partial<Record<MailHeader, string>> {
  const out: Partial<Record<MailHeader, string>> = {};
  for (const name of MAIL_HEADERS) {
    const value = headers[name];
    if (typeof value === 'string') out[name] = value.replace(/[\r\n]+/g, ' ').slice(0, 900);
  }
  return out;
}
