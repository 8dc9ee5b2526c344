import type { Kysely } from 'kysely';
import type { DB } from '../db/database';
import type { AccountKind, Database } from '../db/schema';
import type { Locale } from '../i18n/locales';
import { fill } from '../i18n/locales';
import { enqueueMail } from '../mail/outbox';
import { composeMail } from '../mail/templates';
import { PRIVACY_TEXT_VERSION } from '../public/privacy.messages';
import type { ActContext } from './act-context';
import { audit } from './audit';
import { identityText } from './identity.messages';
import { isValidIinBin } from './iin';
import { legalLoginFromContract } from './legal-login';
import { recordLoginFailure } from './login-throttle';
import { consumeToken, issueToken } from './one-time-tokens';
import { loginPasswordMatches } from './password-check';
import { isEmail, newPasswordErrors } from './password-policy';
import { passwordRecheckRefusal } from './password-recheck';
import { hashIin, hashPassword } from './passwords';
import {
  detachExpiredCustomer,
  individualAccountByNumber,
  insertConsent,
  insertCustomer,
  legalAccountsByBin,
  type NewCustomer,
  registrationBlockers,
  registrationState,
  releaseEmail,
  setUnconfirmedEmail,
  unconfirmedCustomerByLogin,
} from './registration.queries';
import { type RegistrationClock, registrationExpired } from './registration-expiry';
import { markEmailConfirmed } from './users.queries';

export type CustomerKind = AccountKind;

export interface RegistrationInput {
  kind: CustomerKind;
  firstName: string;
  lastName: string;
  account: string;
  binIin: string;
  contract: string;
  email: string;
  password: string;
  passwordRepeat: string;
  consent: boolean;
}

export type RegistrationField = keyof RegistrationInput | 'form';
export type RegistrationResult =
  | { ok: true; login: string; email: string }
  | { ok: false; errors: Partial<Record<RegistrationField, string>> };

/** Surnames compared the way people write them: any case, ё as е, spaces trimmed. */
export function sameSurname(a: string, b: string): boolean {
  const norm = (s: string) => s.trim().replace(/\s+/g, ' ').toLocaleLowerCase('ru').replace(/ё/g, 'е');
  return norm(a) !== '' && norm(a) === norm(b);
}

type Errors = Partial<Record<RegistrationField, string>>;

/** What is missing or malformed in the form, in the registrant's language. */
function registrationErrors(input: RegistrationInput, locale: Locale): Errors {
  const t = identityText[locale];
  const errors: Errors = {};
  const req = (name: keyof RegistrationInput, value: string) => {
    if (!value) errors[name] = t.required;
  };
  if (input.kind === 'individual') {
    req('firstName', input.firstName);
    req('lastName', input.lastName);
    if (!input.account) errors.account = t.required;
    else if (!/^\d{8}$/.test(input.account)) errors.account = t.register.badAccount;
    // The holder's IIN proves ownership when the password is forgotten (decision 064).
    if (!input.binIin) errors.binIin = t.required;
    else if (!isValidIinBin(input.binIin)) errors.binIin = t.register.badBin;
  } else {
    if (!input.binIin) errors.binIin = t.required;
    else if (!isValidIinBin(input.binIin)) errors.binIin = t.register.badBin;
    req('contract', input.contract);
  }
  if (!input.email) errors.email = t.required;
  else if (!isEmail(input.email)) errors.email = t.register.badEmail;
  Object.assign(
    errors,
    newPasswordErrors({ password: input.password, repeat: input.passwordRepeat, login: input.account }, t),
  );
  if (!input.consent) errors.consent = t.register.consentRequired;
  return errors;
}

interface RightfulAccount {
  id: number;
  number: string;
  ownerName: string;
  contract: string | null;
}

/**
 * The account the registrant has a right to: the owner's surname (and, where the billing system
 * knows it, the holder's IIN) for a household, BIN plus contract number for a company.
 */
async function rightfulAccount(db: DB, input: RegistrationInput): Promise<RightfulAccount | undefined> {
  if (input.kind === 'individual') {
    const row = await individualAccountByNumber(db, input.account);
    if (
      row &&
      sameSurname(row.owner_surname, input.lastName) &&
      (row.bin_iin === null || row.bin_iin === input.binIin)
    ) {
      return { id: row.id, number: row.number, ownerName: row.owner_name, contract: null };
    }
    return undefined;
  }
  const wanted = legalLoginFromContract(input.contract);
  const rows = await legalAccountsByBin(db, input.binIin);
  const row = rows.find(
    (r) =>
      r.number === input.contract ||
      (r.contract_number !== null && wanted !== '' && legalLoginFromContract(r.contract_number) === wanted),
  );
  return row && { id: row.id, number: row.number, ownerName: row.owner_name, contract: row.contract_number };
}

/** Where the request comes from and when it is made (tests move the clock). */
export interface RegistrationContext extends RegistrationClock {
  locale: Locale;
  publicUrl: string;
  ip?: string | undefined;
  userAgent?: string | undefined;
}

type Blocker = Awaited<ReturnType<typeof registrationBlockers>>[number];

/**
 * Who stands in the way of a registration. Expired unconfirmed registrations do not: the one that
 * held the account (or the login) is replaced, the others give up the address.
 */
function sortBlockers(blockers: Blocker[], login: string, clock: RegistrationClock) {
  const holds = (b: Blocker) => b.holds_account !== null || b.login === login;
  const live = blockers.filter((b) => !registrationExpired(b, clock));
  const expired = blockers.filter((b) => registrationExpired(b, clock));
  return {
    accountTaken: live.some(holds) || expired.filter(holds).length > 1,
    emailTaken: live.length > 0,
    replaced: expired.find(holds),
    released: expired.filter((b) => !holds(b)),
  };
}

/** Takes the address off expired unconfirmed registrations, each with its audit entry. */
async function releaseEmails(tx: DB, expired: Blocker[], ip: string | undefined): Promise<void> {
  for (const b of expired) {
    await releaseEmail(tx, b.id);
    await audit(tx, {
      actorUserId: b.id,
      action: 'register.expired_email_released',
      subject: b.login,
      ip,
      details: { email: b.email, registeredAt: b.created_at.toISOString() },
    });
  }
}

/**
 * The user, the account link, the consent, the confirmation token, its email and the audit entry,
 * in one transaction; refused when the account has a user or the login or email is taken. An
 * expired unconfirmed registration of the account is set aside (its row keeps its audit and
 * consent) and the registrant gets a new row, so nothing of the earlier registrant carries over.
 */
async function createCustomer(
  db: DB,
  input: RegistrationInput,
  account: RightfulAccount,
  ctx: RegistrationContext,
): Promise<RegistrationResult> {
  const t = identityText[ctx.locale];
  const now = ctx.now ?? new Date();
  const login =
    input.kind === 'individual' ? account.number : legalLoginFromContract(account.contract ?? account.number);
  const passwordHash = await hashPassword(input.password);
  // A household's IIN is personal data: only its argon2id hash is kept, enough to check it.
  const iinHash = input.kind === 'individual' ? await hashIin(input.binIin) : null;
  const name = input.kind === 'individual' ? input.firstName : account.ownerName;
  return db.transaction().execute(async (tx): Promise<RegistrationResult> => {
    const way = sortBlockers(await registrationBlockers(tx, account.id, login, input.email), login, ctx);
    if (way.accountTaken) {
      await audit(tx, { actorUserId: null, action: 'register.taken', subject: account.number, ip: ctx.ip });
      return { ok: false, errors: { form: t.register.taken } };
    }
    if (way.emailTaken) return { ok: false, errors: { email: t.register.emailTaken } };
    await releaseEmails(tx, way.released, ctx.ip);
    const customer: NewCustomer = {
      login,
      email: input.email,
      firstName: name,
      lastName: input.kind === 'individual' ? input.lastName : '',
      kind: input.kind,
      passwordHash,
      iinHash,
      locale: ctx.locale,
      accountId: account.id,
      registeredAt: now,
    };
    if (way.replaced) await detachExpiredCustomer(tx, way.replaced.id, now);
    const userId = await insertCustomer(tx, customer);
    if (way.replaced) {
      await audit(tx, {
        actorUserId: way.replaced.id,
        action: 'register.expired_replaced',
        subject: way.replaced.login,
        ip: ctx.ip,
        details: {
          email: way.replaced.email,
          registeredAt: way.replaced.created_at.toISOString(),
          replacedBy: userId,
        },
      });
    }
    await insertConsent(tx, {
      userId,
      textVersion: PRIVACY_TEXT_VERSION,
      locale: ctx.locale,
      agreedAt: now,
      ip: ctx.ip ?? null,
      userAgent: ctx.userAgent?.slice(0, 500) ?? null,
    });
    await sendConfirmation(tx, { userId, login, email: input.email, name, ...ctx });
    await audit(tx, {
      actorUserId: userId,
      action: 'register',
      subject: login,
      ip: ctx.ip,
      details: { account: account.number, kind: input.kind, consent: PRIVACY_TEXT_VERSION },
    });
    return { ok: true, login, email: input.email };
  });
}

/**
 * Registers a cabinet user for an account after checking the registrant's right to it: the owner's
 * surname for a household, BIN plus contract number for a company. One account has one user.
 * A miss says the same whatever was wrong.
 */
export async function registerCustomer(
  db: DB,
  input: RegistrationInput,
  ctx: RegistrationContext,
): Promise<RegistrationResult> {
  const t = identityText[ctx.locale];
  const errors = registrationErrors(input, ctx.locale);
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const account = await rightfulAccount(db, input);
  if (!account) {
    const subject = input.kind === 'individual' ? input.account : input.binIin;
    await audit(db, { actorUserId: null, action: 'register.refused', subject, ip: ctx.ip });
    return {
      ok: false,
      errors: { form: input.kind === 'individual' ? t.register.noMatch : t.register.noMatchLegal },
    };
  }
  try {
    return await createCustomer(db, input, account, ctx);
  } catch (error) {
    // Two registrations of one account at once: the unique login or email index decides.
    if ((error as { code?: string }).code === '23505')
      return { ok: false, errors: { form: t.register.taken } };
    throw error;
  }
}

/**
 * Confirms the address of a new user by the mailed link. Answers whether the link was good: an
 * expired registration is not confirmed (the account may be registered again by now).
 */
export async function confirmRegistration(
  db: DB,
  token: string,
  ctx: { ip: string } & RegistrationClock,
): Promise<boolean> {
  // One transaction with the user row locked: a registration setting this one aside waits for it
  // (or it sees the row set aside, its links used), so a link cannot confirm another registrant.
  return db.transaction().execute(async (tx) => {
    const used = await consumeToken(tx, token, 'confirm_email');
    const user = used ? await registrationState(tx, used.userId) : undefined;
    if (!used || !user) {
      await audit(tx, { actorUserId: null, action: 'register.confirm_failed', ip: ctx.ip });
      return false;
    }
    if (registrationExpired(user, ctx)) {
      await audit(tx, { actorUserId: user.id, action: 'register.confirm_expired', ip: ctx.ip });
      return false;
    }
    await markEmailConfirmed(tx, used.userId);
    await audit(tx, { actorUserId: used.userId, action: 'register.confirmed', ip: ctx.ip });
    return true;
  });
}

/**
 * Mails a new confirmation link to a customer whose address is not confirmed yet and whose
 * registration has not expired; for any other login nothing happens, and the page reads the same.
 */
export async function resendConfirmation(
  db: DB,
  login: string,
  ctx: ActContext & RegistrationClock,
): Promise<void> {
  const user = login ? await unconfirmedCustomerByLogin(db, login) : undefined;
  if (!user?.email || registrationExpired(user, ctx)) return;
  const email = user.email;
  await db.transaction().execute(async (tx) => {
    await sendConfirmation(tx, {
      userId: user.id,
      login: user.login,
      email,
      name: user.first_name,
      locale: ctx.locale,
      publicUrl: ctx.publicUrl,
    });
    await audit(tx, { actorUserId: user.id, action: 'register.resend', subject: login, ip: ctx.ip });
  });
}

/** What the address-correction form on the "email not confirmed" page brings. */
export interface EmailCorrectionInput {
  login: string;
  password: string;
  email: string;
}

export type EmailCorrectionResult =
  | { ok: true; email: string }
  | {
      ok: false;
      errors: Partial<Record<'login' | 'password' | 'email' | 'form', string>>;
      /** Seconds to wait when the registration's own limit of corrections is used up. */
      retryAfter?: number;
    };

/**
 * The limit of corrections of one registration, asked only once its password is proven (so
 * strangers who know the login cannot use it up): answers the seconds to wait, 0 to go on.
 */
export type ProvenCorrectionLimit = (login: string) => Promise<number>;

/**
 * Corrects the address of a registration not confirmed yet (a typo at registration), after the
 * registrant proves the password: a new confirmation link goes to the new address, the earlier
 * link stops working. A wrong password counts as a failed login (the same throttle) and reads the
 * same for an unknown, confirmed or wrong login. An expired registration is not corrected: the
 * account is registered again. The per-login limit counts only corrections that proved the password.
 */
export async function correctUnconfirmedEmail(
  db: DB,
  input: EmailCorrectionInput,
  ctx: ActContext & RegistrationClock & { provenLimit?: ProvenCorrectionLimit },
): Promise<EmailCorrectionResult> {
  const t = identityText[ctx.locale];
  const errors: Partial<Record<'login' | 'password' | 'email' | 'form', string>> = {};
  if (!input.login) errors.login = t.required;
  if (!input.password) errors.password = t.required;
  if (!input.email) errors.email = t.required;
  else if (!isEmail(input.email)) errors.email = t.register.badEmail;
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  const refusal = await passwordRecheckRefusal(db, input.login, ctx.ip, ctx.locale);
  if (refusal) {
    await audit(db, {
      actorUserId: null,
      action: 'register.correct_throttled',
      subject: input.login,
      ip: ctx.ip,
    });
    return { ok: false, errors: { form: refusal } };
  }
  const user = await unconfirmedCustomerByLogin(db, input.login);
  const proven = await loginPasswordMatches(db, user?.password_hash, input.password);
  if (!user || !proven) {
    await recordLoginFailure(db, input.login, ctx.ip);
    await audit(db, {
      actorUserId: user?.id ?? null,
      action: 'register.correct_refused',
      subject: input.login,
      ip: ctx.ip,
    });
    return { ok: false, errors: { password: t.register.correctRefused } };
  }
  if (registrationExpired(user, ctx)) {
    await audit(db, {
      actorUserId: user.id,
      action: 'register.correct_expired',
      subject: user.login,
      ip: ctx.ip,
    });
    return { ok: false, errors: { form: t.register.expired } };
  }
  if (user.email && user.email.toLowerCase() === input.email.toLowerCase()) {
    return { ok: false, errors: { email: t.email.same } };
  }
  const wait = (await ctx.provenLimit?.(user.login)) ?? 0;
  if (wait > 0) {
    await audit(db, {
      actorUserId: user.id,
      action: 'register.correct.limited',
      subject: user.login,
      ip: ctx.ip,
    });
    return { ok: false, errors: {}, retryAfter: wait };
  }
  const blockers = await registrationBlockers(db, -1, '', input.email);
  if (blockers.some((b) => b.id !== user.id && !registrationExpired(b, ctx))) {
    return { ok: false, errors: { email: t.register.emailTaken } };
  }
  await db.transaction().execute(async (tx) => {
    await releaseEmails(
      tx,
      blockers.filter((other) => other.id !== user.id),
      ctx.ip,
    );
    await setUnconfirmedEmail(tx, user.id, input.email);
    await sendConfirmation(tx, {
      userId: user.id,
      login: user.login,
      email: input.email,
      name: user.first_name,
      locale: ctx.locale,
      publicUrl: ctx.publicUrl,
    });
    await audit(tx, {
      actorUserId: user.id,
      action: 'register.email_corrected',
      subject: user.login,
      ip: ctx.ip,
      details: { from: user.email, to: input.email },
    });
  });
  return { ok: true, email: input.email };
}

/** Issues a confirmation token and puts its email in the outbox (call inside the causing transaction). */
export async function sendConfirmation(
  db: Kysely<Database>,
  u: { userId: number; login: string; email: string; name: string; locale: Locale; publicUrl: string },
): Promise<void> {
  const t = identityText[u.locale].mail;
  const token = await issueToken(db as DB, u.userId, 'confirm_email');
  const url = `${u.publicUrl.replace(/\/$/, '')}/register/confirm?token=${encodeURIComponent(token)}`;
  const body = composeMail(u.locale, {
    greeting: fill(t.hello, { name: u.name || u.login }),
    paragraphs: [fill(t.confirmBody, { login: u.login })],
    link: { url, label: t.confirmLink },
    footer: t.footer,
  });
  await enqueueMail(db, { to: u.email, subject: t.confirmSubject, ...body, purpose: 'register.confirm' });
}
