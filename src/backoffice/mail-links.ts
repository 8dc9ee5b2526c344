import type { Kysely } from 'kysely';
import { issueToken } from '../auth/one-time-tokens';
import type { DB } from '../db/database';
import type { Database } from '../db/schema';
import type { Locale } from '../i18n/locales';
import { enqueueMail } from '../mail/outbox';
import { mailLinkText } from './mail-links.messages';

/**
 * Links the back-office sends to a cabinet user on an operator's request. The pages the links open
 * (confirming an address, setting a new password) belong to registration and recovery; they read
 * the one_time_tokens row by the SHA-256 of the token.
 */
export const CONFIRM_PATH = '/register/confirm';
export const RESET_PATH = '/password/change';

export async function sendUserLink(
  db: Kysely<Database>,
  publicUrl: string,
  user: { id: number; login: string; email: string; locale: Locale },
  kind: 'confirm_email' | 'reset_password',
): Promise<void> {
  // Issuing a new token retires the user's earlier unused ones of the same purpose.
  const token = await issueToken(db as DB, user.id, kind, { by: 'operator' });
  const t = mailLinkText[user.locale];
  const base = publicUrl.replace(/\/$/, '');
  const link =
    kind === 'confirm_email'
      ? `${base}${CONFIRM_PATH}?token=${encodeURIComponent(token)}`
      : `${base}${RESET_PATH}?login=${encodeURIComponent(user.login)}&word=${encodeURIComponent(token)}`;
  const subject = kind === 'confirm_email' ? t.confirmSubject : t.resetSubject;
  const body = kind === 'confirm_email' ? t.confirmBody : t.resetBody;
  await enqueueMail(db, {
    to: user.email,
    subject,
    text: `${body}\n${link}\n\n${t.login}: ${user.login}\n\n${t.ignore}\n`,
    purpose: kind === 'confirm_email' ? 'backoffice.resend_confirmation' : 'backoffice.password_reset',
  });
}
