import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { paymentSettings } from '../../src/config';
import type { DB } from '../../src/db/database';
import { deliverDueMail } from '../../src/mail/delivery';

export interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  messageId: string;
  attachments: { filename: string; contentType: string; content: Buffer }[];
  raw: ParsedMail;
}

export interface SmtpInbox {
  /** smtp://127.0.0.1:PORT, for SMTP_URL. */
  url: string;
  messages: ReceivedMail[];
  /** Makes the next `n` deliveries fail with a temporary error (to test retries). */
  failNext(n: number): void;
  /** Waits until a message to `to` (and matching `subject`, if given) arrives. */
  waitFor(to: string, subject?: RegExp | string, timeoutMs?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

/**
 * A real SMTP server that keeps every message it accepts, parsed: on a free port, or on `port`
 * (a server that was down coming back up).
 */
export async function startSmtpInbox(port = 0): Promise<SmtpInbox> {
  const messages: ReceivedMail[] = [];
  let failures = 0;
  const waiters = new Set<() => void>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      if (failures > 0) {
        failures--;
        stream.resume();
        stream.on('end', () => {
          const err = new Error('Mailbox temporarily unavailable') as Error & { responseCode: number };
          err.responseCode = 451;
          callback(err);
        });
        return;
      }
      simpleParser(stream).then(
        (parsed) => {
          messages.push({
            to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : '',
            messageId: parsed.messageId ?? '',
            attachments: parsed.attachments.map((a) => ({
              filename: a.filename ?? '',
              contentType: a.contentType,
              content: a.content,
            })),
            raw: parsed,
          });
          for (const w of waiters) w();
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${bound}`,
    messages,
    failNext(n) {
      failures = n;
    },
    waitFor(to, subject, timeoutMs = 15_000) {
      const find = () =>
        messages.find(
          (m) =>
            m.to.includes(to.toLowerCase()) &&
            (subject === undefined ||
              (typeof subject === 'string' ? m.subject.includes(subject) : subject.test(m.subject))),
        );
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = find();
          if (found) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(found);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no mail to ${to} (${String(subject ?? '')}) within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The first URL in a text whose path starts with `pathPrefix`, as a path with its query. */
export function linkIn(text: string, pathPrefix: string): string {
  for (const match of text.matchAll(/https?:\/\/[^\s<>"]+/g)) {
    const url = new URL(match[0]);
    if (url.pathname.startsWith(pathPrefix)) return `${url.pathname}${url.search}`;
  }
  throw new Error(`no link to ${pathPrefix} in: ${text}`);
}

/** The payment details of a test app's settings (the demo's: testApp sets none). */
export const TEST_PAYEE = paymentSettings({});

/**
 * Delivers the outbox into the SMTP server at `url` all along (polling every 50 ms while nothing
 * is due), as the app's delivery task does; the returned function stops it after its current round.
 */
export function deliverAllAlong(db: DB, url: string, payee = TEST_PAYEE): () => Promise<void> {
  const transport = nodemailer.createTransport(url);
  let delivering = true;
  const delivery = (async () => {
    while (delivering) {
      const r = await deliverDueMail(db, transport, payee, 10);
      if (r.sent === 0) await new Promise((res) => setTimeout(res, 50));
    }
  })();
  return async () => {
    delivering = false;
    await delivery;
  };
}
