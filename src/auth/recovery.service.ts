import type { DB } from '../db/database';
import { common } from '../i18n/common';
import type { Locale } from '../i18n/locales';
import { fill } from '../i18n/locales';
import { enqueueMail } from '../mail/outbox';
import { composeMail } from '../mail/templates';
import { hitCounter } from '../web/rate-limit.queries';
import type { ActContext } from './act-context';
import { audit } from './audit';
import { identityText } from './identity.messages';
import { isValidIinBin } from './iin';
import { consumeToken, issueToken, tokenIsValid } from './one-time-tokens';
import { recordPasswordChange } from './password-changed';
import { newPasswordErrors } from './password-policy';
import { hashPassword } from './passwords';
import { decoyMail, decoyToken, holderAccounts, recoveryUserByLoginOrEmail } from './recovery.queries';
import { hasIinOnRecord, proofMatches } from './recovery-proof';
import { DEFAULT_CONFIRM_HOURS, type RegistrationClock } from './registration-expiry';
import { destroyUserSessions } from './sessions';
import { customerByLogin, setRecoveredPassword } from './users.queries';

/** What the password-change form of recovery brings. */
export interface ResetInput {
  binIin: string;
  account: string;
  login: string;
  word: string;
  password: string;
  repeat: string;
}

export type ResetField = 'binIin' | 'account' | 'login' | 'word' | 'password' | 'passwordRepeat' | 'form';
export type ResetErrors = Partial<Record<ResetField, string>>;

/** The recovery mail: the check word and a link, or, without an IIN on record, whom to call. */
function recoveryMail(
  locale: Locale,
  shown: { id: number; login: string; first_name: string; email_confirmed_at: Date | null },
  word: string,
  online: boolean,
  publicUrl: string,
) {
  const m = identityText[locale].mail;
  const footer = common[locale].footer;
  const facts = fill(m.recoveryFacts, {
    id: shown.id,
    status: shown.email_confirmed_at ? m.statusActive : m.statusUnconfirmed,
    login: shown.login,
    word,
  });
  const url = `${publicUrl.replace(/\/$/, '')}/password/change?login=${encodeURIComponent(shown.login)}&word=${encodeURIComponent(word)}`;
  const body = composeMail(locale, {
    greeting: fill(m.hello, { name: shown.first_name || shown.login }),
    paragraphs: online
      ? [m.recoveryBody, facts]
      : [fill(m.recoveryNoIin, { department: footer.department, phone: footer.phone })],
    ...(online ? { link: { url, label: m.recoveryLink } } : {}),
    footer: m.footer,
  });
  return { subject: m.recoverySubject, ...body, purpose: 'password.recovery' };
}

/**
 * For an address never confirmed: no check word and no link (whoever reads that mailbox has not
 * proven it is the registrant's, e.g. a typo at registration), only what the registrant can do.
 */
function unconfirmedRecoveryMail(locale: Locale, user: { login: string; first_name: string }, hours: number) {
  const m = identityText[locale].mail;
  const body = composeMail(locale, {
    greeting: fill(m.hello, { name: user.first_name || user.login }),
    paragraphs: [fill(m.recoveryUnconfirmed, { login: user.login, hours })],
    footer: m.footer,
  });
  return { subject: m.recoverySubject, ...body, purpose: 'password.recovery_unconfirmed' };
}

/** Recovery mails to one customer in an hour at most; further requests are answered alike, unmailed. */
export const RECOVERY_MAILS = { max: 5, timeWindowMs: 3600_000 } as const;

/**
 * Mails a check word to the customer named by login or email. Known or not, the request does the
 * same work: the same statements in one transaction (for nobody they match no user and store
 * nothing) and one audit row of the same action. An address never confirmed gets no check word,
 * only a note of what to do (it may be a stranger's, typed by mistake at registration).
 *
 * At most RECOVERY_MAILS an hour go to one customer, asked by login or by email alike, so nobody
 * can fill a mailbox; past it the request is answered as any other and nothing is mailed. The
 * answer is never different (a refusal counted per customer would tell a stranger which login
 * an address belongs to); what a requester may send is limited by the text typed (the route).
 */
export async function requestPasswordRecovery(
  db: DB,
  value: string,
  ctx: ActContext & RegistrationClock,
): Promise<void> {
  const user = await recoveryUserByLoginOrEmail(db, value);
  const accounts = await holderAccounts(db, user?.id ?? -1);
  const holder = user?.email ? { ...user, email: user.email } : null;
  const proven = holder?.email_confirmed_at ? holder : null;
  // The mail speaks the language of the page it was asked from (the person asking reads it now),
  // not the one saved for the user: the same for a known and an unknown login.
  const locale = ctx.locale;
  await db.transaction().execute(async (tx) => {
    const counted = await hitCounter(
      tx,
      `recovery.mail|${user ? `user:${user.id}` : `typed:${value.trim().toLowerCase()}`}`,
      RECOVERY_MAILS.timeWindowMs,
    );
    const mailed = counted.current <= RECOVERY_MAILS.max;
    const details = {
      ...(holder && !proven ? { unconfirmed: true } : {}),
      ...(mailed ? {} : { unmailed: true }),
    };
    await audit(tx, {
      actorUserId: user?.id ?? null,
      action: 'password.reset_requested',
      subject: value,
      ip: ctx.ip,
      ...(Object.keys(details).length ? { details } : {}),
    });
    if (!mailed) return;
    const word = proven
      ? await issueToken(tx, proven.id, 'reset_password')
      : await decoyToken(tx, 'reset_password');
    const shown = holder ?? { id: 0, login: value, first_name: '', email_confirmed_at: null };
    // Without an IIN on record the change form cannot be passed: say so instead of a link.
    const online = hasIinOnRecord({ accounts, iinHash: user?.iin_hash ?? null });
    const mail = proven
      ? recoveryMail(locale, shown, word, online, ctx.publicUrl)
      : holder
        ? unconfirmedRecoveryMail(locale, holder, ctx.confirmHours ?? DEFAULT_CONFIRM_HOURS)
        : recoveryMail(locale, shown, word, online, ctx.publicUrl);
    if (holder) await enqueueMail(tx, { to: holder.email, ...mail });
    else await decoyMail(tx, mail);
  });
}

/** Whether a check word from a mail would open the change form (to say so before it is filled). */
export function checkWordIsValid(db: DB, word: string): Promise<boolean> {
  return tokenIsValid(db, word, 'reset_password');
}

/** What is missing or malformed in the change form (no I/O). */
export function resetFormErrors(input: ResetInput, locale: Locale): ResetErrors {
  const t = identityText[locale];
  const errors: ResetErrors = {};
  if (!input.binIin) errors.binIin = t.required;
  else if (!isValidIinBin(input.binIin)) errors.binIin = t.register.badBin;
  if (!input.account) errors.account = t.required;
  if (!input.login) errors.login = t.required;
  if (!input.word) errors.word = t.required;
  Object.assign(
    errors,
    newPasswordErrors({ password: input.password, repeat: input.repeat, login: input.login }, t),
  );
  return errors;
}

/**
 * Sets a new password with the mailed check word and the holder's data (decision 064). Every part
 * is checked, whatever fails first, and any failure reads the same. The word is used up, the
 * user's sessions end and the user is mailed. Answers whether the password was set.
 */
export async function resetPassword(
  db: DB,
  input: ResetInput,
  ctx: Omit<ActContext, 'locale'>,
): Promise<boolean> {
  const user = await customerByLogin(db, input.login);
  const wordOk = await tokenIsValid(db, input.word, 'reset_password', user?.id ?? -1);
  const accounts = await holderAccounts(db, user?.id ?? -1);
  const dataOk = await proofMatches(
    { accounts, iinHash: user?.iin_hash ?? null },
    { account: input.account, binIin: input.binIin },
  );
  // A word mailed to an address never confirmed proves nothing (none is issued now; one from
  // before would still be refused).
  const confirmed = Boolean(user?.email_confirmed_at);
  if (!user || !wordOk || !dataOk || !confirmed) {
    await audit(db, {
      actorUserId: user?.id ?? null,
      action: 'password.reset_refused',
      subject: input.login,
      ip: ctx.ip,
      details: { word: wordOk, data: dataOk, confirmed },
    });
    return false;
  }
  const hash = await hashPassword(input.password);
  const done = await db.transaction().execute(async (tx) => {
    const used = await consumeToken(tx, input.word, 'reset_password', user.id);
    if (!used) return false;
    await setRecoveredPassword(tx, user.id, hash);
    await destroyUserSessions(tx, user.id);
    await recordPasswordChange(tx, user, 'password.reset', ctx.ip, ctx.publicUrl);
    return true;
  });
  if (done) await destroyUserSessions(db, user.id);
  return done;
}
