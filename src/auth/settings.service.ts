import type { DB } from '../db/database';
import { fill, isLocale, type Locale } from '../i18n/locales';
import { enqueueMail, type OutgoingMail } from '../mail/outbox';
import { composeMail } from '../mail/templates';
import type { ActContext } from './act-context';
import { audit } from './audit';
import { identityText } from './identity.messages';
import { recordLoginFailure } from './login-throttle';
import { consumeToken, issueToken } from './one-time-tokens';
import { recordPasswordChange } from './password-changed';
import { isEmail, newPasswordErrors } from './password-policy';
import { passwordRecheckRefusal } from './password-recheck';
import { hashPassword, verifyPassword } from './passwords';
import { reportText } from './report-text';
import { destroyUserSessions } from './sessions';
import {
  applyEmailChange,
  emailInUse,
  type SettingsUser,
  setPasswordHash,
  setPendingEmail,
  setSubscriptions,
  settingsUser,
} from './users.queries';

/** The signed-in user asking, and the session the request came with (it stays open). */
export interface SignedIn {
  userId: number;
  sessionHash: string;
}

export type EmailErrors = Partial<Record<'email' | 'current', string>>;
export type ChangeEmailResult =
  | { ok: true; current: string | null; pending: string }
  | { ok: false; current: string | null; pending: string | null; errors: EmailErrors };

export type PasswordErrors = Partial<Record<'current' | 'password' | 'passwordRepeat', string>>;
export type ChangePasswordResult = { ok: true } | { ok: false; errors: PasswordErrors };

/**
 * The current password, asked again before a sensitive change. A session in the wrong hands
 * must not become a way around the login throttle: wrong passwords here count as failed logins
 * of this login from this client, and a waiting client or a protected login is refused
 * (passwordRecheckRefusal, decision 063).
 */
async function currentPasswordError(
  db: DB,
  u: { login: string; password_hash: string },
  current: string,
  ctx: ActContext,
): Promise<string | undefined> {
  const t = identityText[ctx.locale];
  if (!current) return t.required;
  const refusal = await passwordRecheckRefusal(db, u.login, ctx.ip, ctx.locale);
  if (refusal) return refusal;
  if (await verifyPassword(u.password_hash, current)) return undefined;
  await recordLoginFailure(db, u.login, ctx.ip);
  return t.password.wrongCurrent;
}

/** Ends the user's other sessions after a change that could lock an intruder out, and says so. */
async function endOtherSessions(db: DB, who: SignedIn, ip: string): Promise<void> {
  const ended = await destroyUserSessions(db, who.userId, who.sessionHash);
  await audit(db, { actorUserId: who.userId, action: 'sessions.ended', details: { count: ended }, ip });
}

/**
 * What is wrong with the new address. Whether another user has it is told only to someone who
 * gave the right password (`proven`): otherwise the form would tell anyone with a session which
 * addresses are registered.
 */
async function newEmailErrors(
  db: DB,
  u: SettingsUser,
  email: string,
  locale: Locale,
  proven: boolean,
): Promise<EmailErrors> {
  const t = identityText[locale];
  const errors: EmailErrors = {};
  if (!email) errors.email = t.required;
  else if (!isEmail(email)) errors.email = t.register.badEmail;
  else if (u.email && u.email.toLowerCase() === email.toLowerCase()) errors.email = t.email.same;
  else if (proven && (await emailInUse(db, email, u.id))) errors.email = t.register.emailTaken;
  return errors;
}

/** The link to the new address that proves it. */
function emailConfirmMail(u: SettingsUser, email: string, token: string, ctx: ActContext): OutgoingMail {
  const m = identityText[ctx.locale].mail;
  const url = `${ctx.publicUrl.replace(/\/$/, '')}/cabinet/email/confirm?token=${encodeURIComponent(token)}`;
  const body = composeMail(ctx.locale, {
    greeting: fill(m.hello, { name: u.first_name || u.login }),
    paragraphs: [fill(m.emailConfirmBody, { login: u.login })],
    link: { url, label: m.emailConfirmLink },
    footer: m.footer,
  });
  return { to: email, subject: m.emailConfirmSubject, ...body, purpose: 'email.confirm' };
}

/** The notice to the old address, in the user's saved language like every mail of the account. */
function emailChangeRequestedMail(u: SettingsUser, oldEmail: string, email: string, ctx: ActContext) {
  const locale = isLocale(u.locale) ? u.locale : ctx.locale;
  const om = identityText[locale].mail;
  const notice = composeMail(locale, {
    greeting: fill(om.hello, { name: u.first_name || u.login }),
    paragraphs: [
      fill(om.emailChangeRequestedBody, { login: u.login, email }),
      reportText(locale, ctx.publicUrl),
    ],
  });
  return {
    to: oldEmail,
    subject: om.emailChangeRequestedSubject,
    ...notice,
    purpose: 'email.change_requested',
  } satisfies OutgoingMail;
}

/**
 * Asks to change the address. Changing it leads to recovery, so it asks for the password again,
 * like a password change; a link goes to the new address, the old one is told, with how to
 * report it, and the user's other sessions end.
 */
export async function changeEmail(
  db: DB,
  who: SignedIn,
  input: { email: string; current: string },
  ctx: ActContext,
): Promise<ChangeEmailResult> {
  const u = await settingsUser(db, who.userId);
  const { email } = input;
  const currentError = await currentPasswordError(db, u, input.current, ctx);
  const errors = await newEmailErrors(db, u, email, ctx.locale, !currentError);
  if (currentError) {
    errors.current = currentError;
    await audit(db, { actorUserId: u.id, action: 'email.change_refused', ip: ctx.ip });
  }
  if (Object.keys(errors).length > 0)
    return { ok: false, current: u.email, pending: u.pending_email, errors };
  await db.transaction().execute(async (tx) => {
    await setPendingEmail(tx, u.id, email);
    const token = await issueToken(tx, u.id, 'change_email', { email });
    await enqueueMail(tx, emailConfirmMail(u, email, token, ctx));
    if (u.email) await enqueueMail(tx, emailChangeRequestedMail(u, u.email, email, ctx));
    await audit(tx, { actorUserId: u.id, action: 'email.change_requested', subject: email, ip: ctx.ip });
  });
  await endOtherSessions(db, who, ctx.ip);
  return { ok: true, current: u.email, pending: email };
}

/**
 * Takes the new address, opened from the new mailbox, possibly in another browser: the token
 * proves it, while the address is still the one waiting for confirmation (a password change drops
 * it, and a newer request replaces it). The old address is told. Answers the user whose address
 * changed, or null.
 */
export async function confirmEmailChange(
  db: DB,
  token: string,
  ctx: Omit<ActContext, 'locale'>,
): Promise<{ userId: number } | null> {
  const used = await consumeToken(db, token, 'change_email');
  const email = used?.payload.email;
  const u = used ? await settingsUser(db, used.userId) : undefined;
  const waiting = Boolean(email && u?.pending_email && u.pending_email.toLowerCase() === email.toLowerCase());
  if (!used || !email || !u || !waiting || (await emailInUse(db, email, used.userId))) {
    await audit(db, { actorUserId: used?.userId ?? null, action: 'email.confirm_failed', ip: ctx.ip });
    return null;
  }
  await db.transaction().execute(async (tx) => {
    await applyEmailChange(tx, u.id, email);
    if (u.email) {
      const m = identityText[u.locale as 'kk'].mail;
      const body = composeMail(u.locale as 'kk', {
        greeting: fill(m.hello, { name: u.first_name || u.login }),
        paragraphs: [
          fill(m.emailChangedBody, { login: u.login, email }),
          reportText(u.locale as 'kk', ctx.publicUrl),
        ],
      });
      await enqueueMail(tx, {
        to: u.email,
        subject: m.emailChangedSubject,
        ...body,
        purpose: 'email.changed',
      });
    }
    await audit(tx, {
      actorUserId: u.id,
      action: 'email.changed',
      subject: email,
      ip: ctx.ip,
      details: { from: u.email },
    });
  });
  return { userId: u.id };
}

/**
 * Changes the password of a signed-in user, who gives the current one again. The user is mailed
 * about it and the other sessions end.
 */
export async function changePassword(
  db: DB,
  who: SignedIn,
  input: { current: string; password: string; repeat: string },
  ctx: ActContext,
): Promise<ChangePasswordResult> {
  const u = await settingsUser(db, who.userId);
  const errors: PasswordErrors = {};
  Object.assign(
    errors,
    newPasswordErrors(
      { password: input.password, repeat: input.repeat, login: u.login },
      identityText[ctx.locale],
    ),
  );
  const currentError = await currentPasswordError(db, u, input.current, ctx);
  if (currentError) {
    errors.current = currentError;
    await audit(db, { actorUserId: u.id, action: 'password.change_refused', ip: ctx.ip });
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const hash = await hashPassword(input.password);
  await db.transaction().execute(async (tx) => {
    await setPasswordHash(tx, u.id, hash);
    await recordPasswordChange(tx, u, 'password.changed', ctx.ip, ctx.publicUrl);
  });
  await endOtherSessions(db, who, ctx.ip);
  return { ok: true };
}

/** Saves which mailings the user wants. Answers whether the user has an address to mail to. */
export async function saveSubscriptions(
  db: DB,
  userId: number,
  choice: { invoices: boolean; announcements: boolean },
  ctx: { ip: string },
): Promise<{ hasEmail: boolean }> {
  return db.transaction().execute(async (tx) => {
    const u = await setSubscriptions(tx, userId, choice);
    await audit(tx, { actorUserId: userId, action: 'subscriptions.changed', ip: ctx.ip, details: choice });
    return { hasEmail: Boolean(u.email) };
  });
}
