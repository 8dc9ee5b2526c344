import type { DB } from '../db/database';
import type { Locale, NotificationKind } from '../db/schema';
import { enqueueMail } from '../mail/outbox';
import { composeMail } from '../mail/templates';

/** One reminder or alert, as any channel would carry it. */
export interface NotificationMessage {
  userId: number;
  email: string;
  locale: Locale;
  kind: NotificationKind;
  subject: string;
  paragraphs: string[];
  link: { url: string; label: string };
  /** Turns this kind off for this customer with one click (RFC 8058). */
  unsubscribeUrl: string;
  preferencesUrl: string;
  footer: string;
  /** The same key is never queued twice. */
  dedupeKey: string;
}

/**
 * A way to reach a customer. Email is the one there is: it queues the message in the outbox in
 * the caller's transaction (sent exactly once by the delivery worker). An SMS or messenger
 * channel would implement the same method against its own outbox.
 */
export interface NotificationChannel {
  readonly name: string;
  /** Queues the message; answers the channel's own id for it, or null when it was queued before. */
  queue(tx: DB, message: NotificationMessage): Promise<number | null>;
}

export const emailChannel: NotificationChannel = {
  name: 'email',
  queue(tx, m) {
    const body = composeMail(m.locale, { paragraphs: m.paragraphs, link: m.link, footer: m.footer });
    return enqueueMail(tx, {
      to: m.email,
      subject: m.subject,
      text: body.text,
      html: body.html,
      purpose: `notify.${m.kind}`,
      dedupeKey: m.dedupeKey,
      headers: {
        'List-Unsubscribe': `<${m.unsubscribeUrl}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
    });
  },
};
