import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppDeps } from '../app-deps';
import { isLocale } from '../i18n/locales';
import { enqueueMail } from '../mail/outbox';
import { composeMail } from '../mail/templates';
import { Field, Form, field } from '../web/forms';
import { sendPage } from '../web/html';
import { Layout, Notice } from '../web/layout';
import { type PageContext, pageContext } from '../web/request-context';
import { audit } from './audit';
import { requireCustomer } from './guard';
import { fill, identityText } from './identity.messages';
import { loginThrottleState, recordLoginFailure } from './login-throttle';
import { NewPasswordFields } from './new-password-fields';
import { consumeToken, issueToken } from './one-time-tokens';
import { recordPasswordChange } from './password-changed';
import { isEmail, newPasswordErrors } from './password-policy';
import { hashPassword, verifyPassword } from './passwords';
import { emailInUse } from './registration.service';
import { reportText } from './report-text';
import { destroyUserSessions } from './sessions';

type Notices = { kind: 'success' | 'info' | 'error'; text: string } | undefined;

function EmailPage({
  ctx,
  current,
  pending,
  value,
  errors = {},
  notice,
}: {
  ctx: PageContext;
  current: string | null;
  pending: string | null;
  value?: string;
  errors?: Partial<Record<'email' | 'current', string>>;
  notice?: Notices;
}) {
  const t = identityText[ctx.locale].email;
  return (
    <Layout ctx={ctx} title={t.title} cabinet>
      {notice ? <Notice kind={notice.kind}>{notice.text}</Notice> : null}
      <dl class="facts">
        <div>
          <dt>{t.current}</dt>
          <dd>{current ?? t.none}</dd>
        </div>
        {pending ? (
          <div>
            <dt>{t.newEmail}</dt>
            <dd>{fill(t.pending, { email: pending })}</dd>
          </div>
        ) : null}
      </dl>
      <Form action="/cabinet/email" csrfToken={ctx.csrfToken}>
        <Field
          name="email"
          type="email"
          label={t.newEmail}
          value={value}
          error={errors.email}
          autocomplete="email"
          maxLength={200}
          required
        />
        <Field
          name="current"
          type="password"
          label={t.password}
          hint={t.passwordHint}
          error={errors.current}
          autocomplete="current-password"
          maxLength={200}
          required
        />
        <button type="submit" class="primary">
          {t.submit}
        </button>
      </Form>
    </Layout>
  );
}

function PasswordPage({
  ctx,
  errors = {},
  notice,
}: {
  ctx: PageContext;
  errors?: Partial<Record<'current' | 'password' | 'passwordRepeat', string>>;
  notice?: Notices;
}) {
  const t = identityText[ctx.locale].password;
  return (
    <Layout ctx={ctx} title={t.title} cabinet>
      {notice ? <Notice kind={notice.kind}>{notice.text}</Notice> : null}
      <Form action="/cabinet/password" csrfToken={ctx.csrfToken}>
        <Field
          name="current"
          type="password"
          label={t.current}
          error={errors.current}
          autocomplete="current-password"
          maxLength={200}
          required
        />
        <NewPasswordFields
          locale={ctx.locale}
          passwordLabel={t.newPassword}
          repeatLabel={t.repeat}
          errors={errors}
        />
        <button type="submit" class="primary">
          {t.submit}
        </button>
      </Form>
    </Layout>
  );
}

function SubscriptionsPage({
  ctx,
  invoices,
  announcements,
  hasEmail,
  notice,
}: {
  ctx: PageContext;
  invoices: boolean;
  announcements: boolean;
  hasEmail: boolean;
  notice?: Notices;
}) {
  const t = identityText[ctx.locale].subscriptions;
  return (
    <Layout ctx={ctx} title={t.title} cabinet>
      {notice ? <Notice kind={notice.kind}>{notice.text}</Notice> : null}
      {hasEmail ? null : (
        <Notice kind="info">
          {t.noEmail} <a href="/cabinet/email">{identityText[ctx.locale].email.title}</a>
        </Notice>
      )}
      <Form action="/cabinet/subscriptions" csrfToken={ctx.csrfToken}>
        <div class="field checkbox">
          <label>
            <input type="checkbox" name="invoices" value="1" checked={invoices} /> {t.invoices}
          </label>
        </div>
        <div class="field checkbox">
          <label>
            <input type="checkbox" name="announcements" value="1" checked={announcements} /> {t.announcements}
          </label>
        </div>
        <button type="submit" class="primary">
          {t.submit}
        </button>
      </Form>
    </Layout>
  );
}

export async function settingsRoutes(app: FastifyInstance, { db, config }: AppDeps) {
  const userRow = (id: number) =>
    db
      .selectFrom('users')
      .select([
        'id',
        'login',
        'email',
        'pending_email',
        'first_name',
        'locale',
        'password_hash',
        'subscribe_invoices',
        'subscribe_announcements',
      ])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();

  /**
   * The current password, asked again before a sensitive change. A session in the wrong hands
   * must not become a way around the login throttle: wrong passwords here count as failed logins
   * of this login from this client, and a waiting client is refused (decision 063).
   */
  async function checkCurrentPassword(
    req: FastifyRequest,
    u: { login: string; password_hash: string },
    current: string,
  ): Promise<string | undefined> {
    const t = identityText[req.locale];
    if (!current) return t.required;
    const state = await loginThrottleState(db, u.login, req.ip);
    if (state.kind === 'wait') return fill(t.login.wait, { minutes: Math.ceil(state.seconds / 60) });
    if (await verifyPassword(u.password_hash, current)) return undefined;
    await recordLoginFailure(db, u.login, req.ip);
    return t.password.wrongCurrent;
  }

  app.get<{ Querystring: { done?: string } }>(
    '/cabinet/email',
    { preHandler: requireCustomer },
    async (req, reply) => {
      const u = await userRow(req.user!.id);
      const t = identityText[req.locale].email;
      const notice: Notices = req.query.done === 'changed' ? { kind: 'success', text: t.changed } : undefined;
      return sendPage(
        reply,
        <EmailPage
          ctx={pageContext(req, reply)}
          current={u.email}
          pending={u.pending_email}
          notice={notice}
        />,
      );
    },
  );

  // Changing the email leads to recovery, so it asks for the password again, like a password
  // change; the old address is told, with how to report it, and other sessions end.
  app.post(
    '/cabinet/email',
    { preHandler: requireCustomer, config: { rateLimit: { max: 20, timeWindow: 10 * 60_000 } } },
    async (req, reply) => {
      const u = await userRow(req.user!.id);
      const t = identityText[req.locale];
      const email = field(req.body, 'email').slice(0, 200);
      const body = req.body as Record<string, unknown>;
      const current = typeof body?.current === 'string' ? body.current : '';
      const errors: Partial<Record<'email' | 'current', string>> = {};
      if (!email) errors.email = t.required;
      else if (!isEmail(email)) errors.email = t.register.badEmail;
      else if (u.email && u.email.toLowerCase() === email.toLowerCase()) errors.email = t.email.same;
      else if (await emailInUse(db, email, u.id)) errors.email = t.register.emailTaken;
      const currentError = await checkCurrentPassword(req, u, current);
      if (currentError) {
        errors.current = currentError;
        await audit(db, { actorUserId: u.id, action: 'email.change_refused', ip: req.ip });
      }
      const ctx = pageContext(req, reply);
      if (Object.keys(errors).length > 0) {
        return sendPage(
          reply,
          <EmailPage ctx={ctx} current={u.email} pending={u.pending_email} value={email} errors={errors} />,
          400,
        );
      }
      await db.transaction().execute(async (tx) => {
        await tx
          .updateTable('users')
          .set({ pending_email: email, updated_at: new Date() })
          .where('id', '=', u.id)
          .execute();
        const token = await issueToken(tx, u.id, 'change_email', { email });
        const m = t.mail;
        const url = `${config.PUBLIC_URL.replace(/\/$/, '')}/cabinet/email/confirm?token=${encodeURIComponent(token)}`;
        const body = composeMail(req.locale, {
          greeting: fill(m.hello, { name: u.first_name || u.login }),
          paragraphs: [fill(m.emailConfirmBody, { login: u.login })],
          link: { url, label: m.emailConfirmLink },
          footer: m.footer,
        });
        await enqueueMail(tx, {
          to: email,
          subject: m.emailConfirmSubject,
          ...body,
          purpose: 'email.confirm',
        });
        if (u.email) {
          // The notice goes in the user's saved language, like every mail of the account.
          const locale = isLocale(u.locale) ? u.locale : req.locale;
          const om = identityText[locale].mail;
          const notice = composeMail(locale, {
            greeting: fill(om.hello, { name: u.first_name || u.login }),
            paragraphs: [
              fill(om.emailChangeRequestedBody, { login: u.login, email }),
              reportText(locale, config.PUBLIC_URL),
            ],
          });
          await enqueueMail(tx, {
            to: u.email,
            subject: om.emailChangeRequestedSubject,
            ...notice,
            purpose: 'email.change_requested',
          });
        }
        await audit(tx, { actorUserId: u.id, action: 'email.change_requested', subject: email, ip: req.ip });
      });
      const ended = await destroyUserSessions(db, u.id, req.user!.sessionHash);
      await audit(db, { actorUserId: u.id, action: 'sessions.ended', details: { count: ended }, ip: req.ip });
      return sendPage(
        reply,
        <EmailPage
          ctx={ctx}
          current={u.email}
          pending={email}
          notice={{ kind: 'success', text: `${fill(t.email.sent, { email })} ${t.email.sessionsEnded}` }}
        />,
      );
    },
  );

  // Opened from the new mailbox, possibly in another browser: the token alone proves it.
  app.get<{ Querystring: { token?: string } }>('/cabinet/email/confirm', async (req, reply) => {
    const t = identityText[req.locale];
    const used = await consumeToken(db, String(req.query.token ?? ''), 'change_email');
    const email = used?.payload.email;
    const failed = async () => {
      await audit(db, { actorUserId: used?.userId ?? null, action: 'email.confirm_failed', ip: req.ip });
      const ctx = pageContext(req, reply);
      return sendPage(
        reply,
        <Layout ctx={ctx} title={t.email.title}>
          <Notice kind="error">{t.register.confirmFailed}</Notice>
        </Layout>,
        400,
      );
    };
    if (!used || !email || (await emailInUse(db, email, used.userId))) return failed();
    const u = await userRow(used.userId);
    await db.transaction().execute(async (tx) => {
      await tx
        .updateTable('users')
        .set((eb) => ({
          email,
          pending_email: null,
          updated_at: new Date(),
          email_confirmed_at: eb.fn.coalesce('email_confirmed_at', eb.val(new Date())),
        }))
        .where('id', '=', u.id)
        .execute();
      if (u.email) {
        const m = identityText[u.locale as 'kk'].mail;
        const body = composeMail(u.locale as 'kk', {
          greeting: fill(m.hello, { name: u.first_name || u.login }),
          paragraphs: [
            fill(m.emailChangedBody, { login: u.login, email }),
            reportText(u.locale as 'kk', config.PUBLIC_URL),
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
        ip: req.ip,
        details: { from: u.email },
      });
    });
    if (req.user?.id === u.id) return reply.redirect('/cabinet/email?done=changed', 303);
    return reply.redirect('/?done=email', 303);
  });

  app.get('/cabinet/password', { preHandler: requireCustomer }, async (req, reply) =>
    sendPage(reply, <PasswordPage ctx={pageContext(req, reply)} />),
  );

  app.post(
    '/cabinet/password',
    { preHandler: requireCustomer, config: { rateLimit: { max: 20, timeWindow: 10 * 60_000 } } },
    async (req, reply) => {
      const t = identityText[req.locale];
      const body = req.body as Record<string, unknown>;
      const raw = (name: string) => (typeof body?.[name] === 'string' ? (body[name] as string) : '');
      const current = raw('current');
      const password = raw('password');
      const repeat = raw('passwordRepeat');
      const u = await userRow(req.user!.id);
      const errors: Partial<Record<'current' | 'password' | 'passwordRepeat', string>> = {};
      Object.assign(errors, newPasswordErrors({ password, repeat, login: u.login }, t));
      const currentError = await checkCurrentPassword(req, u, current);
      if (currentError) {
        errors.current = currentError;
        await audit(db, { actorUserId: u.id, action: 'password.change_refused', ip: req.ip });
      }
      const ctx = pageContext(req, reply);
      if (Object.keys(errors).length > 0)
        return sendPage(reply, <PasswordPage ctx={ctx} errors={errors} />, 400);
      const hash = await hashPassword(password);
      await db.transaction().execute(async (tx) => {
        await tx
          .updateTable('users')
          .set({ password_hash: hash, updated_at: new Date() })
          .where('id', '=', u.id)
          .execute();
        await recordPasswordChange(tx, u, 'password.changed', req.ip, config.PUBLIC_URL);
      });
      const ended = await destroyUserSessions(db, u.id, req.user!.sessionHash);
      await audit(db, { actorUserId: u.id, action: 'sessions.ended', details: { count: ended }, ip: req.ip });
      return sendPage(
        reply,
        <PasswordPage ctx={ctx} notice={{ kind: 'success', text: t.password.changed }} />,
      );
    },
  );

  app.get('/cabinet/subscriptions', { preHandler: requireCustomer }, async (req, reply) => {
    const u = await userRow(req.user!.id);
    return sendPage(
      reply,
      <SubscriptionsPage
        ctx={pageContext(req, reply)}
        invoices={u.subscribe_invoices}
        announcements={u.subscribe_announcements}
        hasEmail={Boolean(u.email)}
      />,
    );
  });

  app.post('/cabinet/subscriptions', { preHandler: requireCustomer }, async (req, reply) => {
    const invoices = field(req.body, 'invoices') === '1';
    const announcements = field(req.body, 'announcements') === '1';
    const u = await db
      .updateTable('users')
      .set({ subscribe_invoices: invoices, subscribe_announcements: announcements, updated_at: new Date() })
      .where('id', '=', req.user!.id)
      .returning(['email'])
      .executeTakeFirstOrThrow();
    await audit(db, {
      actorUserId: req.user!.id,
      action: 'subscriptions.changed',
      ip: req.ip,
      details: { invoices, announcements },
    });
    return sendPage(
      reply,
      <SubscriptionsPage
        ctx={pageContext(req, reply)}
        invoices={invoices}
        announcements={announcements}
        hasEmail={Boolean(u.email)}
        notice={{ kind: 'success', text: identityText[req.locale].subscriptions.saved }}
      />,
    );
  });
}
