import { audit } from '../auth/audit';
import type { DB } from '../db/database';
import { enqueueMail } from '../mail/outbox';
import { composeMail } from '../mail/templates';
import { notificationText } from './notifications.messages';
import { userContact } from './notifications.queries';

/**
 * A staff user's test message to themselves: one message with a sample of each kind, in their
 * language, through the same outbox as the real ones. Answers the address, or null without one.
 */
export async function sendTestNotification(
  db: DB,
  actor: { userId: number | null; ip: string },
  publicUrl: string,
): Promise<string | null> {
  if (actor.userId === null) return null;
  const user = await userContact(db, actor.userId);
  if (!user?.email) return null;
  const email = user.email;
  const t = notificationText[user.locale];
  const sample = { number: '00000000', address: '—', month: '—', lastDay: '25.12.2026' };
  const samples = [
    t.reminder(sample),
    t.verificationAhead({ ...sample, serial: '00000000', water: 'cold', date: '20.12.2026', daysLeft: 14 }),
    t.paymentDue({ ...sample, amount: '0.00', dueDate: '25.12.2026' }),
  ];
  const body = composeMail(user.locale, {
    paragraphs: [t.testIntro, ...samples.flatMap((s) => [`— ${s.subject}`, ...s.paragraphs])],
    link: { url: `${publicUrl.replace(/\/+$/, '')}/backoffice/notifications`, label: t.backoffice.title },
  });
  await db.transaction().execute(async (tx) => {
    await enqueueMail(tx, {
      to: email,
      subject: t.testSubject,
      text: body.text,
      html: body.html,
      purpose: 'notify.test',
    });
    await audit(tx, {
      actorUserId: actor.userId,
      action: 'notifications.test',
      subject: email,
      ip: actor.ip,
    });
  });
  return email;
}
