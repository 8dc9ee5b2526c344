import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../app-deps';
import { common } from '../i18n/common';
import { isLocale } from '../i18n/locales';
import { enqueueMail } from '../mail/outbox';
import { composeMail } from '../mail/templates';
import { Field, Form, field } from '../web/forms';
import { sendPage } from '../web/html';
import { Layout, Notice } from '../web/layout';
import { type PageContext, pageContext } from '../web/request-context';
import { audit } from './audit';
import { safeNext } from './guard';
import { fill, identityText } from './identity.messages';
import { loginThrottleState, recordLoginFailure, recordLoginSuccess } from './login-throttle';
import { consumeToken, issueToken } from './one-time-tokens';
import { dummyPasswordHash, verifyPassword } from './passwords';
import { reportText } from './report-text';
import { createSession, destroySession } from './sessions';

export const SESSION_COOKIE = 'sid';

interface LoginView {
  login?: string;
  remember?: boolean;
  next?: string;
  error?: string;
  fieldErrors?: { login?: string; password?: string };
  notice?: { kind: 'success' | 'info' | 'error'; text: string };
}

export function LoginPage({ ctx, view }: { ctx: PageContext; view: LoginView }) {
  const t = common[ctx.locale].login;
  return (
    <Layout ctx={ctx} title={t.title}>
      <div class="login-box">
        <p class="lead">{t.intro}</p>
        {view.notice ? <Notice kind={view.notice.kind}>{view.notice.text}</Notice> : null}
        {view.error ? <Notice kind="error">{view.error}</Notice> : null}
        <Form action="/login" csrfToken={ctx.csrfToken}>
          {view.next ? <input type="hidden" name="next" value={view.next} /> : null}
          <Field
            name="login"
            label={t.login}
            value={view.login}
            hint={t.loginHint}
            error={view.fieldErrors?.login}
            autocomplete="username"
            required
            maxLength={64}
          />
          <Field
            name="password"
            type="password"
            label={t.password}
            error={view.fieldErrors?.password}
            autocomplete="current-password"
            required
            maxLength={200}
          />
          <div class="field checkbox">
            <label>
              <input type="checkbox" name="remember" value="1" checked={view.remember} /> {t.remember}
            </label>
          </div>
          <button type="submit" class="primary">
            {t.submit}
          </button>
        </Form>
        <ul class="login-links">
          <li>
            <a href="/register">{t.register}</a>
          </li>
          <li>
            <a href="/password/forgot">{t.forgot}</a>
          </li>
          <li>
            <a href="/lookup">{t.getAccount}</a>
          </li>
        </ul>
      </div>
    </Layout>
  );
}

export async function loginRoutes(app: FastifyInstance, { db, config }: AppDeps) {
  const secure = config.PUBLIC_URL.startsWith('https://');

  app.get<{ Querystring: { next?: string; loggedOut?: string; done?: string } }>('/', async (req, reply) => {
    if (req.user?.role === 'customer') return reply.redirect('/cabinet', 303);
    const t = common[req.locale].login;
    const view: LoginView = { next: safeNext(req.query.next, '') || undefined };
    if (req.query.loggedOut) view.notice = { kind: 'info', text: t.loggedOut };
    const it = identityText[req.locale];
    const done = { confirmed: it.register.confirmed, password: it.recovery.changed, email: it.email.changed };
    const doneText = done[req.query.done as keyof typeof done];
    if (doneText) view.notice = { kind: 'success', text: doneText };
    return sendPage(reply, <LoginPage ctx={pageContext(req, reply)} view={view} />);
  });

  /** Opens a session for a user and sets its cookie. */
  async function startSession(
    req: FastifyRequest,
    reply: FastifyReply,
    user: { id: number; login: string; locale: string },
    remember: boolean,
    action: string,
  ) {
    await recordLoginSuccess(db, user.login, req.ip);
    const session = await createSession(db, {
      userId: user.id,
      persistent: remember,
      ip: req.ip,
      userAgent: req.headers['user-agent'],
    });
    await audit(db, { actorUserId: user.id, action, subject: user.login, ip: req.ip });
    reply.setCookie(SESSION_COOKIE, session.secret, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure,
      ...(remember ? { expires: session.expiresAt } : {}),
    });
    // The language chosen on this browser wins and is remembered for the user's mail;
    // a browser without a choice gets the user's saved language.
    if (req.cookies.lang === req.locale && req.locale !== user.locale) {
      await db.updateTable('users').set({ locale: req.locale }).where('id', '=', user.id).execute();
    } else if (!req.cookies.lang) {
      reply.setCookie('lang', user.locale, { path: '/', sameSite: 'lax', maxAge: 365 * 86400 });
    }
  }

  app.post('/login', { config: { rateLimit: { max: 50, timeWindow: 5 * 60_000 } } }, async (req, reply) => {
    const t = common[req.locale].login;
    const it = identityText[req.locale].login;
    const login = field(req.body, 'login').slice(0, 200);
    const password =
      typeof (req.body as Record<string, unknown>)?.password === 'string'
        ? ((req.body as Record<string, string>).password ?? '')
        : '';
    const remember = field(req.body, 'remember') === '1';
    const next = safeNext(field(req.body, 'next'), '/cabinet');
    const view: LoginView = { login, remember, next: next === '/cabinet' ? undefined : next };
    const page = (status: number) =>
      sendPage(reply, <LoginPage ctx={pageContext(req, reply)} view={view} />, status);

    if (!login || !password) {
      view.fieldErrors = {
        login: login ? undefined : t.required,
        password: password ? undefined : t.required,
      };
      return page(400);
    }
    // Known or not, a login is throttled alike: the same counters, the same messages (decision 063).
    const state = await loginThrottleState(db, login, req.ip);
    if (state.kind === 'wait') {
      await audit(db, { actorUserId: null, action: 'login.throttled', subject: login, ip: req.ip });
      reply.header('retry-after', state.seconds);
      view.error = fill(it.wait, { minutes: Math.ceil(state.seconds / 60) });
      return page(429);
    }
    const user = await db
      .selectFrom('users')
      .select([
        'id',
        'login',
        'password_hash',
        'email',
        'email_confirmed_at',
        'locked_until',
        'role',
        'locale',
        'first_name',
        'totp_secret',
      ])
      .where('login', '=', login)
      .executeTakeFirst();
    const ok = await verifyPassword(user?.password_hash ?? (await dummyPasswordHash()), password);

    if (!user || !ok) {
      await recordLoginFailure(db, login, req.ip);
      await audit(db, { actorUserId: user?.id ?? null, action: 'login.failed', subject: login, ip: req.ip });
      view.error = state.protected ? it.protected : t.failed;
      return page(401);
    }
    // A lock set after failed second-factor codes: only someone with the password gets here.
    if (user.locked_until && user.locked_until.getTime() > Date.now()) {
      await audit(db, { actorUserId: user.id, action: 'login.locked', subject: login, ip: req.ip });
      view.error = common[req.locale].errors.tooMany;
      return page(429);
    }
    if (state.protected) {
      // Many failures over all clients: the right password alone opens nothing, it gets a
      // sign-in link in the owner's mailbox (administrators still have their second factor).
      // The page says the same as for a wrong password.
      if (user.email && user.email_confirmed_at) {
        await sendSignInLink(user, remember, req.ip);
      } else if (user.totp_secret) {
        return finish(user);
      } else {
        await audit(db, { actorUserId: user.id, action: 'login.protected', subject: login, ip: req.ip });
      }
      view.error = it.protected;
      return page(401);
    }
    return finish(user);

    async function finish(u: NonNullable<typeof user>) {
      if (!u.email_confirmed_at && u.role === 'customer') {
        await audit(db, { actorUserId: u.id, action: 'login.unconfirmed', subject: login, ip: req.ip });
        return reply.redirect(`/register/unconfirmed?login=${encodeURIComponent(login)}`, 303);
      }
      await startSession(req, reply, u, remember, 'login');
      return reply.redirect(u.role === 'customer' ? next : '/backoffice', 303);
    }
  });

  async function sendSignInLink(
    user: { id: number; login: string; email: string | null; locale: string; first_name: string },
    remember: boolean,
    ip: string,
  ) {
    const locale = isLocale(user.locale) ? user.locale : 'kk';
    const m = identityText[locale].mail;
    await db.transaction().execute(async (tx) => {
      const token = await issueToken(tx, user.id, 'unlock_login', { remember: remember ? '1' : '' });
      const url = `${config.PUBLIC_URL.replace(/\/$/, '')}/login/link?token=${encodeURIComponent(token)}`;
      const body = composeMail(locale, {
        greeting: fill(m.hello, { name: user.first_name || user.login }),
        paragraphs: [fill(m.signInBody, { login: user.login }), reportText(locale, config.PUBLIC_URL)],
        link: { url, label: m.signInLink },
      });
      await enqueueMail(tx, {
        to: user.email ?? '',
        subject: m.signInSubject,
        ...body,
        purpose: 'login.link',
      });
      await audit(tx, { actorUserId: user.id, action: 'login.link_sent', subject: user.login, ip });
    });
  }

  // The mailed sign-in link: the right password was given, the mailbox proves the owner.
  app.get<{ Querystring: { token?: string } }>('/login/link', async (req, reply) => {
    const used = await consumeToken(db, String(req.query.token ?? ''), 'unlock_login');
    const user = used
      ? await db
          .selectFrom('users')
          .select(['id', 'login', 'locale', 'role', 'locked_until'])
          .where('id', '=', used.userId)
          .executeTakeFirst()
      : undefined;
    const locked = user?.locked_until && user.locked_until.getTime() > Date.now();
    if (!used || !user || locked) {
      await audit(db, { actorUserId: null, action: 'login.link_failed', ip: req.ip });
      const ctx = pageContext(req, reply);
      return sendPage(
        reply,
        <LoginPage ctx={ctx} view={{ error: identityText[req.locale].register.confirmFailed }} />,
        400,
      );
    }
    await startSession(req, reply, user, used.payload.remember === '1', 'login.link');
    return reply.redirect(user.role === 'customer' ? '/cabinet' : '/backoffice', 303);
  });

  app.post('/logout', async (req, reply) => {
    if (req.user) {
      await destroySession(db, req.user.sessionHash);
      await audit(db, { actorUserId: req.user.id, action: 'logout', ip: req.ip });
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/?loggedOut=1', 303);
  });
}
