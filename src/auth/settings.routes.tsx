import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppDeps } from '../app-deps';
import { field } from '../web/forms';
import { sendPage } from '../web/html';
import { pageContext } from '../web/request-context';
import type { ActContext } from './act-context';
import { requireCustomer } from './guard';
import { fill, identityText } from './identity.messages';
import { changeEmail, changePassword, confirmEmailChange, saveSubscriptions } from './settings.service';
import {
  EmailConfirmFailedPage,
  EmailPage,
  type Notices,
  PasswordPage,
  SubscriptionsPage,
} from './settings.views';
import { settingsUser } from './users.queries';

/** A form field as typed, spaces kept (passwords); '' when missing. */
function rawField(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

/** What the settings use cases need from a request. */
function act(req: FastifyRequest, publicUrl: string): ActContext {
  return { locale: req.locale, ip: req.ip, publicUrl };
}

function signedIn(req: FastifyRequest) {
  return { userId: req.user!.id, sessionHash: req.user!.sessionHash };
}

/** The address: shown, changed with the password, confirmed from the new mailbox. */
function emailRoutes(app: FastifyInstance, { db, config }: AppDeps) {
  app.get<{ Querystring: { done?: string } }>(
    '/cabinet/email',
    { preHandler: requireCustomer },
    async (req, reply) => {
      const u = await settingsUser(db, req.user!.id);
      const t = identityText[req.locale].email;
      // `sent`: where the change form redirects (post/redirect/get, decision 170), so a reload
      // sends no second confirmation mail; the pending address is read back.
      const sent = req.query.done === 'sent' && u.pending_email;
      const notice: Notices =
        req.query.done === 'changed'
          ? { kind: 'success', text: t.changed }
          : sent
            ? { kind: 'success', text: `${fill(t.sent, { email: sent })} ${t.sessionsEnded}` }
            : undefined;
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

  app.post(
    '/cabinet/email',
    { preHandler: requireCustomer, config: { rateLimit: { max: 20, timeWindow: 10 * 60_000 } } },
    async (req, reply) => {
      const email = field(req.body, 'email').slice(0, 200);
      const current = rawField(req.body, 'current');
      const result = await changeEmail(db, signedIn(req), { email, current }, act(req, config.PUBLIC_URL));
      const ctx = pageContext(req, reply);
      if (!result.ok) {
        const { current: now, pending, errors } = result;
        return sendPage(
          reply,
          <EmailPage ctx={ctx} current={now} pending={pending} value={email} errors={errors} />,
          400,
        );
      }
      return reply.redirect('/cabinet/email?done=sent', 303);
    },
  );

  app.get<{ Querystring: { token?: string } }>('/cabinet/email/confirm', async (req, reply) => {
    const changed = await confirmEmailChange(db, String(req.query.token ?? ''), act(req, config.PUBLIC_URL));
    if (!changed) return sendPage(reply, <EmailConfirmFailedPage ctx={pageContext(req, reply)} />, 400);
    if (req.user?.id === changed.userId) return reply.redirect('/cabinet/email?done=changed', 303);
    return reply.redirect('/?done=email', 303);
  });
}

function passwordRoutes(app: FastifyInstance, { db, config }: AppDeps) {
  // `?done=changed`: where the change form redirects (decision 170), so a reload does not send the
  // old password again (refused now, and counted as a failed login).
  app.get<{ Querystring: { done?: string } }>(
    '/cabinet/password',
    { preHandler: requireCustomer },
    async (req, reply) => {
      const text = identityText[req.locale].password.changed;
      const notice = req.query.done === 'changed' ? { kind: 'success' as const, text } : undefined;
      return sendPage(reply, <PasswordPage ctx={pageContext(req, reply)} notice={notice} />);
    },
  );

  app.post(
    '/cabinet/password',
    { preHandler: requireCustomer, config: { rateLimit: { max: 20, timeWindow: 10 * 60_000 } } },
    async (req, reply) => {
      const input = {
        current: rawField(req.body, 'current'),
        password: rawField(req.body, 'password'),
        repeat: rawField(req.body, 'passwordRepeat'),
      };
      const result = await changePassword(db, signedIn(req), input, act(req, config.PUBLIC_URL));
      const ctx = pageContext(req, reply);
      if (!result.ok) return sendPage(reply, <PasswordPage ctx={ctx} errors={result.errors} />, 400);
      return reply.redirect('/cabinet/password?done=changed', 303);
    },
  );
}

function subscriptionRoutes(app: FastifyInstance, { db }: AppDeps) {
  app.get('/cabinet/subscriptions', { preHandler: requireCustomer }, async (req, reply) => {
    const u = await settingsUser(db, req.user!.id);
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
    const saved = await saveSubscriptions(db, req.user!.id, { invoices, announcements }, { ip: req.ip });
    return sendPage(
      reply,
      <SubscriptionsPage
        ctx={pageContext(req, reply)}
        invoices={invoices}
        announcements={announcements}
        hasEmail={saved.hasEmail}
        notice={{ kind: 'success', text: identityText[req.locale].subscriptions.saved }}
      />,
    );
  });
}

export async function settingsRoutes(app: FastifyInstance, deps: AppDeps) {
  emailRoutes(app, deps);
  passwordRoutes(app, deps);
  subscriptionRoutes(app, deps);
}
