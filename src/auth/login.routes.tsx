import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../app-deps';
import { common } from '../i18n/common';
import { field } from '../web/forms';
import { sendPage } from '../web/html';
import { pageContext } from '../web/request-context';
import { safeNext } from './guard';
import { fill, identityText } from './identity.messages';
import {
  type LogInResult,
  logIn,
  logInWithLink,
  logOut,
  type OpenedSession,
  type SignInBrowser,
} from './login.service';
import { LoginPage, type LoginView } from './login.views';

export const SESSION_COOKIE = 'sid';

/** `expired`: a form was sent after the session expired ('readings': its values were kept). */
type LoginQuery = { Querystring: { next?: string; loggedOut?: string; done?: string; expired?: string } };

/** What the browser brings to a sign-in besides the form. */
function signInBrowser(req: FastifyRequest, remember: boolean): SignInBrowser {
  return {
    remember,
    userAgent: req.headers['user-agent'],
    chosenLocale: req.cookies.lang === req.locale ? req.locale : undefined,
  };
}

/** The failed sign-ins as the login page says them. */
function failureView(
  req: FastifyRequest,
  reply: FastifyReply,
  result: Exclude<LogInResult, { kind: 'signedIn' } | { kind: 'unconfirmed' }>,
) {
  const it = identityText[req.locale].login;
  if (result.kind === 'wait') {
    reply.header('retry-after', result.seconds);
    return { status: 429, error: fill(it.wait, { minutes: Math.ceil(result.seconds / 60) }) };
  }
  if (result.kind === 'locked') return { status: 429, error: common[req.locale].errors.tooMany };
  return { status: 401, error: result.protected ? it.protected : common[req.locale].login.failed };
}

/** Sets the cookies of a session opened, and the user's language on a browser without a choice. */
function setSessionCookies(
  req: FastifyRequest,
  reply: FastifyReply,
  session: OpenedSession,
  secure: boolean,
) {
  reply.setCookie(SESSION_COOKIE, session.secret, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure,
    ...(session.persistent ? { expires: session.expiresAt } : {}),
  });
  if (!req.cookies.lang) {
    reply.setCookie('lang', session.userLocale, { path: '/', sameSite: 'lax', maxAge: 365 * 86400 });
  }
}

/** Where the login page's language links come back to: GET /login, keeping `next`. */
const loginHere = (next: string | undefined) => (next ? `/login?next=${encodeURIComponent(next)}` : '/login');

/** The home page's login form with the notice the query asks for (logged out, confirmed, changed). */
function homeView(req: FastifyRequest<LoginQuery>) {
  const t = common[req.locale].login;
  const view: LoginView = { next: safeNext(req.query.next, '') || undefined };
  if (req.query.loggedOut) view.notice = { kind: 'info', text: t.loggedOut };
  const it = identityText[req.locale];
  if (req.query.expired) {
    const text = req.query.expired === 'readings' ? it.login.sessionExpiredReadings : it.login.sessionExpired;
    view.notice = { kind: 'warning', text };
  }
  const done = { confirmed: it.register.confirmed, password: it.recovery.changed, email: it.email.changed };
  const doneText = done[req.query.done as keyof typeof done];
  if (doneText) view.notice = { kind: 'success', text: doneText };
  return view;
}

export async function loginRoutes(app: FastifyInstance, { db, config }: AppDeps) {
  const secure = config.PUBLIC_URL.startsWith('https://');

  // The address a failed sign-in answers at: reloading it or switching language shows the form
  // again (keeping `next`), never a 404.
  app.get<{ Querystring: { next?: string } }>('/login', async (req, reply) => {
    const next = safeNext(req.query.next, '') || undefined;
    if (req.user?.role === 'customer') return reply.redirect(next ?? '/cabinet', 303);
    const ctx = pageContext(req, reply, loginHere(next));
    return sendPage(reply, <LoginPage ctx={ctx} view={{ next }} />);
  });

  app.get<LoginQuery>('/', async (req, reply) => {
    if (req.user?.role === 'customer') return reply.redirect('/cabinet', 303);
    return sendPage(reply, <LoginPage ctx={pageContext(req, reply)} view={homeView(req)} />);
  });

  app.post('/login', { config: { rateLimit: { max: 50, timeWindow: 5 * 60_000 } } }, async (req, reply) => {
    const t = common[req.locale].login;
    const login = field(req.body, 'login').slice(0, 200);
    const password =
      typeof (req.body as Record<string, unknown>)?.password === 'string'
        ? ((req.body as Record<string, string>).password ?? '')
        : '';
    const remember = field(req.body, 'remember') === '1';
    const next = safeNext(field(req.body, 'next'), '/cabinet');
    const view: LoginView = { login, remember, next: next === '/cabinet' ? undefined : next };
    const page = (status: number) =>
      sendPage(reply, <LoginPage ctx={pageContext(req, reply, loginHere(view.next))} view={view} />, status);

    if (!login || !password) {
      view.fieldErrors = {
        login: login ? undefined : t.required,
        password: password ? undefined : t.required,
      };
      return page(400);
    }
    const act = { locale: req.locale, ip: req.ip, publicUrl: config.PUBLIC_URL };
    const result = await logIn(db, { login, password }, signInBrowser(req, remember), act);
    if (result.kind === 'unconfirmed') {
      return reply.redirect(`/register/unconfirmed?login=${encodeURIComponent(login)}`, 303);
    }
    if (result.kind === 'signedIn') {
      setSessionCookies(req, reply, result.session, secure);
      return reply.redirect(result.session.role === 'customer' ? next : '/backoffice', 303);
    }
    const failure = failureView(req, reply, result);
    view.error = failure.error;
    return page(failure.status);
  });

  // The mailed sign-in link: the right password was given, the mailbox proves the owner.
  app.get<{ Querystring: { token?: string } }>('/login/link', async (req, reply) => {
    const token = String(req.query.token ?? '');
    const session = await logInWithLink(db, token, signInBrowser(req, false), { ip: req.ip });
    if (!session) {
      const ctx = pageContext(req, reply);
      return sendPage(
        reply,
        <LoginPage ctx={ctx} view={{ error: identityText[req.locale].register.confirmFailed }} />,
        400,
      );
    }
    setSessionCookies(req, reply, session, secure);
    return reply.redirect(session.role === 'customer' ? '/cabinet' : '/backoffice', 303);
  });

  app.post('/logout', async (req, reply) => {
    if (req.user) await logOut(db, req.user, { ip: req.ip });
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/?loggedOut=1', 303);
  });
}
