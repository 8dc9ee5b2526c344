import type { DB } from '../db/database';
import type { Locale } from '../i18n/locales';
import { fill } from '../i18n/locales';
import { enqueueMail } from '../mail/outbox';
import { composeMail } from '../mail/templates';
import { audit } from './audit';
import { identityText } from './identity.messages';
import { reportText } from './report-text';

/**
 * After a password change (in settings, or through recovery): the audit entry, and a mail to the
 * user's address saying so, in the same transaction as the change.
 */
export async function recordPasswordChange(
  tx: DB,
  user: { id: number; login: string; email: string | null; locale: Locale; first_name: string },
  action: 'password.changed' | 'password.reset',
  ip: string,
  publicUrl: string,
): Promise<void> {
  if (user.email) {
    const m = identityText[user.locale].mail;
    const mail = composeMail(user.locale, {
      greeting: fill(m.hello, { name: user.first_name || user.login }),
      paragraphs: [fill(m.passwordChangedBody, { login: user.login }), reportText(user.locale, publicUrl)],
    });
    await enqueueMail(tx, {
      to: user.email,
      subject: m.passwordChangedSubject,
      ...mail,
      purpose: 'password.changed',
    });
  }
  await audit(tx, { actorUserId: user.id, action, subject: user.login, ip });
}
