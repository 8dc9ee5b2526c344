import nodemailer from 'nodemailer';
import type { PaymentSettings } from '../config';
import type { DB } from '../db/database';
import {
  DocumentGone,
  type RenderBatch,
  renderBatch,
  renderMailDocuments,
} from '../documents/mailing-render';
import { type MailAttachment, type MailDocuments, pickHeaders } from './outbox';
import { type ClaimedMail, claimDueMail, markMailAttemptFailed, markMailSent } from './outbox.queries';

/** What delivery needs of a mail transport; a nodemailer transporter is one. */
export interface MailTransport {
  sendMail(message: {
    from: string;
    to: string;
    subject: string;
    text: string;
    html?: string | undefined;
    messageId?: string;
    headers?: Record<string, string>;
    attachments?: { filename: string; content: Buffer; contentType: string }[];
  }): Promise<unknown>;
}

/** After this many failed attempts a message is marked 'failed' and left for an operator. */
export const MAX_ATTEMPTS = 8;
/** A message claimed longer ago than this by a process that did not finish is due again. */
export const SENDING_LEASE_MS = 5 * 60_000;
/** Waits after the 1st, 2nd, ... failure: 1 min, 2, 4, 8, ... capped at 6 hours. */
export function backoffMs(attempts: number): number {
  return Math.min(60_000 * 2 ** Math.max(0, attempts - 1), 6 * 3600_000);
}

export interface DeliveryReport {
  sent: number;
  retried: number;
  failed: number;
}

/**
 * Delivers up to `limit` due messages of the outbox. Rows are claimed in a short transaction with
 * FOR UPDATE SKIP LOCKED and marked 'sending' with a lease, so several app processes never pick the
 * same message; a row whose lease ran out (its process died mid-send) becomes due again.
 * A message is marked 'sent' right after the server accepts it; the Message-ID is derived from
 * the outbox id, so even a resend after a crash is recognisable as the same message.
 * The PDFs a message names are rendered here, just before it is sent (decision 120); a document
 * that no longer has data fails the message for good, any other failure is retried with back-off.
 * `payee`: the payment details of the settings, printed on the invoices it renders.
 */
export async function deliverDueMail(
  db: DB,
  transport: MailTransport,
  payee: PaymentSettings,
  limit = 20,
  from = 'Vodokanal cabinet <cabinet@vodokanal.local>',
  lanes = SEND_LANES,
): Promise<DeliveryReport> {
  const report: DeliveryReport = { sent: 0, retried: 0, failed: 0 };
  const claimed = (await claimDueMail(db, limit, SENDING_LEASE_MS)).sort((a, b) => a.id - b.id);
  if (claimed.length === 0) return report;
  // The batch's accounts in one read, and the facts its invoices share read once (decision 185).
  const batch = await renderBatch(db, claimed.map(documentsOf));
  // A few messages at a time: while one waits for the mail server, the next one's PDF renders.
  let next = 0;
  const lane = async () => {
    while (next < claimed.length) {
      const row = claimed[next++]!;
      await deliverOne(db, transport, row, { from, payee, batch }, report);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(lanes, claimed.length)) }, lane));
  return report;
}

/** Messages of one batch in flight at once (each on a connection of the transport's pool). */
export const SEND_LANES = 4;

async function deliverOne(
  db: DB,
  transport: MailTransport,
  row: ClaimedMail,
  sender: Sender,
  report: DeliveryReport,
) {
  try {
    await transport.sendMail(await messageOf(db, row, sender));
    await markMailSent(db, row.id);
    report.sent++;
  } catch (error) {
    const message = String((error as Error)?.message ?? error).slice(0, 500);
    const giveUp = row.attempts >= MAX_ATTEMPTS || error instanceof DocumentGone;
    await markMailAttemptFailed(db, row.id, { error: message, giveUp, retryInMs: backoffMs(row.attempts) });
    if (giveUp) report.failed++;
    else report.retried++;
  }
}

/** Who sends (From, the payee printed on invoices) and what the messages of the batch share. */
interface Sender {
  from: string;
  payee: PaymentSettings;
  batch: RenderBatch;
}

const parsed = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

/** The documents a row names, or null (none, or unreadable: its own delivery reports that). */
function documentsOf(row: ClaimedMail): MailDocuments | null {
  try {
    return parsed<MailDocuments | null>(row.documents);
  } catch {
    return null;
  }
}

/**
 * The message handed to the transport, its documents rendered now; the Message-ID is derived
 * from the outbox id. A row written before decision 120 carries its files as base64 instead.
 */
async function messageOf(db: DB, row: ClaimedMail, sender: Sender) {
  const { from, payee, batch } = sender;
  const stored = parsed<MailAttachment[] | null>(row.attachments) ?? [];
  const documents = parsed<MailDocuments | null>(row.documents);
  const rendered = documents ? await renderMailDocuments(db, documents, payee, batch) : [];
  return {
    from,
    to: row.to_address,
    subject: row.subject,
    text: row.text_body,
    html: row.html_body ?? undefined,
    messageId: `<outbox-${row.id}@${domainOf(from)}>`,
    headers: pickHeaders(parsed<Record<string, unknown> | null>(row.headers) ?? {}),
    attachments: [
      ...stored.map((a) => ({
        filename: a.filename,
        contentType: a.contentType,
        content: Buffer.from(a.contentBase64, 'base64'),
      })),
      ...rendered.map((pdf) => ({
        filename: pdf.filename,
        contentType: 'application/pdf',
        content: pdf.bytes,
      })),
    ],
  };
}

function domainOf(from: string): string {
  const match = /@([^>\s]+)/.exec(from);
  return match?.[1] ?? 'vodokanal.local';
}

/**
 * The transport of this configuration: SMTP when SMTP_URL is set; otherwise the dev mailbox,
 * where a message counts as delivered once it is in the outbox (the /dev/mailbox page shows it).
 */
export function mailTransport(config: { SMTP_URL?: string | undefined }): MailTransport {
  if (config.SMTP_URL) return nodemailer.createTransport(pooled(config.SMTP_URL));
  return { sendMail: async () => ({ devMailbox: true }) };
}

/**
 * The mail server's address with nodemailer's connection pool on (as many connections as send
 * lanes), unless the address sets `pool` itself: a connection per message would spend most of a
 * big mailing on greetings.
 */
export function pooled(smtpUrl: string): string {
  const url = new URL(smtpUrl);
  if (!url.searchParams.has('pool')) {
    url.searchParams.set('pool', 'true');
    url.searchParams.set('maxConnections', String(SEND_LANES));
  }
  return url.toString();
}

/**
 * A delivery task for a poller: never runs twice at once in one process, and keeps going while a
 * full batch was delivered.
 */
export function mailDeliveryTask(
  db: DB,
  config: { SMTP_URL?: string | undefined; MAIL_FROM: string } & PaymentSettings,
  batch = 40,
): () => Promise<void> {
  const transport = mailTransport(config);
  let running = false;
  return async () => {
    if (running) return;
    running = true;
    try {
      // Keeps going while batches come back full (a monthly mailing), for a minute at most, so
      // the other tasks of the process get their turn.
      const until = Date.now() + 60_000;
      while (Date.now() < until) {
        const r = await deliverDueMail(db, transport, config, batch, config.MAIL_FROM);
        if (r.sent + r.retried + r.failed < batch) break;
      }
    } finally {
      running = false;
    }
  };
}
