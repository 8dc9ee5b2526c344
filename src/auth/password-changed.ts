import type { DB } from '../db/database';
import type { Locale } from '../i18n/locales';
import { fill } from '../i18n/locales';
import { enqueueMail } from '../mail/outbox';
import { composeMail } from '../mail/templates';
import { audit } from './audit';
import { identityText } from './identity.messages';
import { retireTokensOfPurposes } from './one-time-tokens.queries';
import { reportText } from './report-text';
import { clearPendingEmail } from './users.queries';

/**
 * Links mailed before a password change that must not outlive it: an address change asked for
 * (by whoever knew the old password: confirmed after the owner took the account back, it would
 * give the account away again through recovery), a recovery word and a sign-in link.
 */
const RETIRED_BY_PASSWORD_CHANGE = ['change_email', 'reset_password', 'unlock_login'] as const;

/**
 * After a password change (in settings, or through recovery), in the same transaction as the
 * change: the links mailed before it stop opening and an address change waiting for its
 * confirmation is dropped; the audit entry, and a mail to the user's address saying so.
 */
export async function recordPasswordChange(
  tx: DB,
  user: { id: number; login: string; email: string | null; locale: Locale; first_name: string },
  action: 'password.changed' | 'password.reset',
  ip: string,
  publicUrl: string,
): Promise<void> {
  await retireTokensOfPurposes(tx, user.id, RETIRED_BY_PASSWORD_CHANGE);
  await clearPendingEmail(tx, user.id);
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
