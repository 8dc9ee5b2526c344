import type { DB } from '../db/database';
import { fill, isLocale, type Locale } from '../i18n/locales';
import { enqueueMail } from '../mail/outbox';
import { composeMail } from '../mail/templates';
import type { ActContext } from './act-context';
import { audit } from './audit';
import { identityText } from './identity.messages';
import { loginThrottleState, recordLoginFailure, recordLoginSuccess } from './login-throttle';
import { consumeToken, issueToken } from './one-time-tokens';
import { loginPasswordMatches } from './password-check';
import { hashPassword, passwordNeedsRehash } from './passwords';
import { reportText } from './report-text';
import { createSession, destroySession } from './sessions';
import { setUserLocale, upgradePasswordHash, userForLogin, userForSignInLink } from './users.queries';

/** The browser asking to sign in: "remember me", its user agent, and the language it chose, if any. */
export interface SignInBrowser {
  remember: boolean;
  userAgent: string | undefined;
  /** The language this browser chose (its cookie), which wins over the user's saved one. */
  chosenLocale: Locale | undefined;
}

/** A session opened: its secret for the cookie, and whom it belongs to. */
export interface OpenedSession {
  secret: string;
  expiresAt: Date;
  persistent: boolean;
  role: string;
  /** The user's saved language, for a browser that has not chosen one. */
  userLocale: Locale;
}

export type LogInResult =
  | { kind: 'signedIn'; session: OpenedSession }
  | { kind: 'unconfirmed' }
  | { kind: 'wait'; seconds: number }
  | { kind: 'refused'; protected: boolean }
  | { kind: 'locked' };

type LoginUser = NonNullable<Awaited<ReturnType<typeof userForLogin>>>;

/** Opens a session for a user, with its audit entry, and remembers the browser's language choice. */
async function openSession(
  db: DB,
  user: { id: number; login: string; locale: Locale; role: string },
  browser: SignInBrowser,
  action: 'login' | 'login.link',
  ip: string,
): Promise<OpenedSession> {
  await recordLoginSuccess(db, user.login, ip);
  const session = await createSession(db, {
    userId: user.id,
    persistent: browser.remember,
    ip,
    userAgent: browser.userAgent,
  });
  await audit(db, { actorUserId: user.id, action, subject: user.login, ip });
  if (browser.chosenLocale && browser.chosenLocale !== user.locale) {
    await setUserLocale(db, user.id, browser.chosenLocale);
  }
  return { ...session, persistent: browser.remember, role: user.role, userLocale: user.locale };
}

/** Mails a one-time sign-in link to the owner of a login under attack who gave the right password. */
async function sendSignInLink(db: DB, user: LoginUser, remember: boolean, ctx: ActContext): Promise<void> {
  const locale = isLocale(user.locale) ? user.locale : 'kk';
  const m = identityText[locale].mail;
  await db.transaction().execute(async (tx) => {
    const token = await issueToken(tx, user.id, 'unlock_login', { remember: remember ? '1' : '' });
    const url = `${ctx.publicUrl.replace(/\/$/, '')}/login/link?token=${encodeURIComponent(token)}`;
    const body = composeMail(locale, {
      greeting: fill(m.hello, { name: user.first_name || user.login }),
      paragraphs: [fill(m.signInBody, { login: user.login }), reportText(locale, ctx.publicUrl)],
      link: { url, label: m.signInLink },
    });
    await enqueueMail(tx, { to: user.email ?? '', subject: m.signInSubject, ...body, purpose: 'login.link' });
    await audit(tx, { actorUserId: user.id, action: 'login.link_sent', subject: user.login, ip: ctx.ip });
  });
}

/** A customer whose address is not confirmed is sent to confirm it; anyone else gets a session. */
async function finishLogIn(
  db: DB,
  user: LoginUser,
  browser: SignInBrowser,
  ctx: ActContext,
): Promise<LogInResult> {
  if (!user.email_confirmed_at && user.role === 'customer') {
    await audit(db, { actorUserId: user.id, action: 'login.unconfirmed', subject: user.login, ip: ctx.ip });
    return { kind: 'unconfirmed' };
  }
  return { kind: 'signedIn', session: await openSession(db, user, browser, 'login', ctx.ip) };
}

/**
 * Many failures over all clients: the right password alone opens nothing, it gets a sign-in link
 * in the owner's mailbox (administrators still have their second factor). The page says the same
 * as for a wrong password.
 */
async function logInProtected(db: DB, user: LoginUser, browser: SignInBrowser, ctx: ActContext) {
  if (user.email && user.email_confirmed_at) {
    await sendSignInLink(db, user, browser.remember, ctx);
  } else if (user.totp_secret) {
    return finishLogIn(db, user, browser, ctx);
  } else {
    await audit(db, { actorUserId: user.id, action: 'login.protected', subject: user.login, ip: ctx.ip });
  }
  return { kind: 'refused', protected: true } as const;
}

/**
 * Signs in with a login and password. Known or not, a login is throttled alike: the same
 * counters, the same answers (decision 063).
 */
export async function logIn(
  db: DB,
  input: { login: string; password: string },
  browser: SignInBrowser,
  ctx: ActContext,
): Promise<LogInResult> {
  const { login } = input;
  const state = await loginThrottleState(db, login, ctx.ip);
  if (state.kind === 'wait') {
    await audit(db, { actorUserId: null, action: 'login.throttled', subject: login, ip: ctx.ip });
    return { kind: 'wait', seconds: state.seconds };
  }
  const user = await userForLogin(db, login);
  const ok = await loginPasswordMatches(db, user?.password_hash, input.password);
  if (!user || !ok) {
    await recordLoginFailure(db, login, ctx.ip);
    await audit(db, { actorUserId: user?.id ?? null, action: 'login.failed', subject: login, ip: ctx.ip });
    return { kind: 'refused', protected: state.protected };
  }
  // A hash made at older parameters is made again now that the password is known (decision 190).
  if (passwordNeedsRehash(user.password_hash)) {
    await upgradePasswordHash(db, user.id, user.password_hash, await hashPassword(input.password));
  }
  // A lock set after failed second-factor codes: only someone with the password gets here.
  if (user.locked_until && user.locked_until.getTime() > Date.now()) {
    await audit(db, { actorUserId: user.id, action: 'login.locked', subject: login, ip: ctx.ip });
    return { kind: 'locked' };
  }
  if (state.protected) return logInProtected(db, user, browser, ctx);
  return finishLogIn(db, user, browser, ctx);
}

/**
 * Signs in with a mailed sign-in link: the right password was given, the mailbox proves the
 * owner. Answers null for a used, expired or unknown link, or a locked user.
 */
export async function logInWithLink(
  db: DB,
  token: string,
  browser: Omit<SignInBrowser, 'remember'>,
  ctx: { ip: string },
): Promise<OpenedSession | null> {
  const used = await consumeToken(db, token, 'unlock_login');
  const user = used ? await userForSignInLink(db, used.userId) : undefined;
  const locked = user?.locked_until && user.locked_until.getTime() > Date.now();
  if (!used || !user || locked) {
    await audit(db, { actorUserId: null, action: 'login.link_failed', ip: ctx.ip });
    return null;
  }
  const remember = used.payload.remember === '1';
  return openSession(db, user, { ...browser, remember }, 'login.link', ctx.ip);
}

/** Ends the session of a signed-in user. */
export async function logOut(db: DB, user: { id: number; sessionHash: string }, ctx: { ip: string }) {
  await destroySession(db, user.sessionHash);
  await audit(db, { actorUserId: user.id, action: 'logout', ip: ctx.ip });
}
