import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../app-deps';
import { common } from '../i18n/common';
import { fill } from '../i18n/locales';
import { sendPage } from '../web/html';
import { pageContext } from '../web/request-context';
import { formBody, formCheckbox, formRaw, formText, queryText } from '../web/request-schemas';
import { safeNext } from './guard';
import { identityText } from './identity.messages';
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
const homeQuery = z.object({ next: queryText, loggedOut: queryText, done: queryText, expired: queryText });

const loginForm = formBody({
  login: formText(200),
  password: formRaw,
  remember: formCheckbox,
  next: formText(2000),
});

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
function homeView(req: FastifyRequest, query: z.infer<typeof homeQuery>) {
  const t = common[req.locale].login;
  const view: LoginView = { next: safeNext(query.next, '') || undefined };
  if (query.loggedOut) view.notice = { kind: 'info', text: t.loggedOut };
  const it = identityText[req.locale];
  if (query.expired) {
    const text = query.expired === 'readings' ? it.login.sessionExpiredReadings : it.login.sessionExpired;
    view.notice = { kind: 'warning', text };
  }
  const done = { confirmed: it.register.confirmed, password: it.recovery.changed, email: it.email.changed };
  const doneText = done[query.done as keyof typeof done];
  if (doneText) view.notice = { kind: 'success', text: doneText };
  return view;
}

export async function loginRoutes(instance: FastifyInstance, { db, config }: AppDeps) {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  const secure = config.PUBLIC_URL.startsWith('https://');

  // The address a failed sign-in answers at: reloading it or switching language shows the form
  // again (keeping `next`), never a 404.
  app.get('/login', { schema: { querystring: z.object({ next: queryText }) } }, async (req, reply) => {
    const next = safeNext(req.query.next, '') || undefined;
    if (req.user?.role === 'customer') return reply.redirect(next ?? '/cabinet', 303);
    const ctx = pageContext(req, reply, loginHere(next));
    return sendPage(reply, <LoginPage ctx={ctx} view={{ next }} />);
  });

  app.get('/', { schema: { querystring: homeQuery } }, async (req, reply) => {
    if (req.user?.role === 'customer') return reply.redirect('/cabinet', 303);
    return sendPage(reply, <LoginPage ctx={pageContext(req, reply)} view={homeView(req, req.query)} />);
  });

  const loginOptions = {
    config: { rateLimit: { max: 50, timeWindow: 5 * 60_000 } },
    schema: { body: loginForm },
  };
  app.post('/login', loginOptions, async (req, reply) => {
    const t = common[req.locale].login;
    const { login, password, remember } = req.body;
    const next = safeNext(req.body.next, '/cabinet');
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
  const linkQuery = z.object({ token: formText() });
  app.get('/login/link', { schema: { querystring: linkQuery } }, async (req, reply) => {
    const { token } = req.query;
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
