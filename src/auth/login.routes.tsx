import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app';
import { common } from '../i18n/common';
import { Field, Form, field } from '../web/forms';
import { sendPage } from '../web/html';
import { Layout, Notice } from '../web/layout';
import { failureLimit } from '../web/rate-limit';
import { type PageContext, pageContext } from '../web/request-context';
import { audit } from './audit';
import { safeNext } from './guard';
import { identityText } from './identity.messages';
import { dummyPasswordHash, verifyPassword } from './passwords';
import { createSession, destroySession } from './sessions';

export const SESSION_COOKIE = 'sid';
const MAX_FAILED_LOGINS = 10;
const LOCK_MS = 15 * 60_000;

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

  const loginFailures = failureLimit(db, 'login.failed', { max: 20, timeWindowMs: 15 * 60_000 });

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

  app.post('/login', { config: { rateLimit: { max: 50, timeWindow: 5 * 60_000 } } }, async (req, reply) => {
    const t = common[req.locale].login;
    const login = field(req.body, 'login');
    const password =
      typeof (req.body as Record<string, unknown>)?.password === 'string'
        ? ((req.body as Record<string, string>).password ?? '')
        : '';
    const remember = field(req.body, 'remember') === '1';
    const next = safeNext(field(req.body, 'next'), '/cabinet');
    const view: LoginView = { login, remember, next: next === '/cabinet' ? undefined : next };

    if (!login || !password) {
      view.fieldErrors = {
        login: login ? undefined : t.required,
        password: password ? undefined : t.required,
      };
      return sendPage(reply, <LoginPage ctx={pageContext(req, reply)} view={view} />, 400);
    }
    await loginFailures.check(reply, login);
    const user = await db
      .selectFrom('users')
      .select(['id', 'password_hash', 'email_confirmed_at', 'locked_until', 'role', 'locale'])
      .where('login', '=', login)
      .executeTakeFirst();
    const ok = await verifyPassword(user?.password_hash ?? (await dummyPasswordHash()), password);
    const locked = user?.locked_until && user.locked_until.getTime() > Date.now();

    if (!user || !ok || locked) {
      if (user && !locked) {
        const failed = await db
          .updateTable('users')
          .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1) }))
          .where('id', '=', user.id)
          .returning('failed_logins')
          .executeTakeFirstOrThrow();
        if (failed.failed_logins >= MAX_FAILED_LOGINS) {
          await db
            .updateTable('users')
            .set({ locked_until: new Date(Date.now() + LOCK_MS), failed_logins: 0 })
            .where('id', '=', user.id)
            .execute();
        }
      }
      await loginFailures.fail(login);
      await audit(db, { actorUserId: user?.id ?? null, action: 'login.failed', subject: login, ip: req.ip });
      view.error = locked ? common[req.locale].errors.tooMany : t.failed;
      return sendPage(reply, <LoginPage ctx={pageContext(req, reply)} view={view} />, 401);
    }
    if (!user.email_confirmed_at && user.role === 'customer') {
      await audit(db, { actorUserId: user.id, action: 'login.unconfirmed', subject: login, ip: req.ip });
      return reply.redirect(`/register/unconfirmed?login=${encodeURIComponent(login)}`, 303);
    }
    await db
      .updateTable('users')
      .set({ failed_logins: 0, locked_until: null })
      .where('id', '=', user.id)
      .execute();
    const session = await createSession(db, {
      userId: user.id,
      persistent: remember,
      ip: req.ip,
      userAgent: req.headers['user-agent'],
    });
    await audit(db, { actorUserId: user.id, action: 'login', subject: login, ip: req.ip });
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
    const target = user.role === 'customer' ? next : '/backoffice';
    return reply.redirect(target, 303);
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
