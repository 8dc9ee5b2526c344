import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../app-deps';
import { fill } from '../i18n/locales';
import { sendPage } from '../web/html';
import { pageContext } from '../web/request-context';
import {
  formBody,
  formCheckbox,
  formRaw,
  formText,
  queryText,
  type SchemaApp,
  withSchemas,
} from '../web/request-schemas';
import type { ActContext } from './act-context';
import { requireCustomer } from './guard';
import { identityText } from './identity.messages';
import { changeEmail, changePassword, confirmEmailChange, saveSubscriptions } from './settings.service';
import {
  EmailConfirmFailedPage,
  EmailPage,
  type Notices,
  PasswordPage,
  SubscriptionsPage,
} from './settings.views';
import { settingsUser } from './users.queries';

const emailForm = formBody({ email: formText(200), current: formRaw });
const passwordForm = formBody({ current: formRaw, password: formRaw, passwordRepeat: formRaw });
const subscriptionsForm = formBody({ invoices: formCheckbox, announcements: formCheckbox });

/** What the settings use cases need from a request. */
function act(req: FastifyRequest, publicUrl: string): ActContext {
  return { locale: req.locale, ip: req.ip, publicUrl };
}

/**
 * The changes proven by the current password (address, password): a signed-in customer's, at most
 * 20 tries in 10 minutes from one client.
 */
const passwordProven = {
  preHandler: requireCustomer,
  config: { rateLimit: { max: 20, timeWindow: 10 * 60_000 } },
};

function signedIn(req: FastifyRequest) {
  return { userId: req.user!.id, sessionHash: req.user!.sessionHash };
}

/** The address: shown, changed with the password, confirmed from the new mailbox. */
function emailRoutes(app: SchemaApp, { db, config }: AppDeps) {
  app.get(
    '/cabinet/email',
    { preHandler: requireCustomer, schema: { querystring: z.object({ done: queryText }) } },
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

  app.post('/cabinet/email', { ...passwordProven, schema: { body: emailForm } }, async (req, reply) => {
    const { email, current } = req.body;
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
  });

  const tokenQuery = z.object({ token: formText() });
  app.get('/cabinet/email/confirm', { schema: { querystring: tokenQuery } }, async (req, reply) => {
    const changed = await confirmEmailChange(db, req.query.token, act(req, config.PUBLIC_URL));
    if (!changed) return sendPage(reply, <EmailConfirmFailedPage ctx={pageContext(req, reply)} />, 400);
    if (req.user?.id === changed.userId) return reply.redirect('/cabinet/email?done=changed', 303);
    return reply.redirect('/?done=email', 303);
  });
}

function passwordRoutes(app: SchemaApp, { db, config }: AppDeps) {
  // `?done=changed`: where the change form redirects (decision 170), so a reload does not send the
  // old password again (refused now, and counted as a failed login).
  const doneQuery = { querystring: z.object({ done: queryText }) };
  app.get('/cabinet/password', { preHandler: requireCustomer, schema: doneQuery }, async (req, reply) => {
    const text = identityText[req.locale].password.changed;
    const notice = req.query.done === 'changed' ? { kind: 'success' as const, text } : undefined;
    return sendPage(reply, <PasswordPage ctx={pageContext(req, reply)} notice={notice} />);
  });

  app.post('/cabinet/password', { ...passwordProven, schema: { body: passwordForm } }, async (req, reply) => {
    const { current, password, passwordRepeat: repeat } = req.body;
    const input = { current, password, repeat };
    const result = await changePassword(db, signedIn(req), input, act(req, config.PUBLIC_URL));
    const ctx = pageContext(req, reply);
    if (!result.ok) return sendPage(reply, <PasswordPage ctx={ctx} errors={result.errors} />, 400);
    return reply.redirect('/cabinet/password?done=changed', 303);
  });
}

function subscriptionRoutes(app: SchemaApp, { db }: AppDeps) {
  type Subscriptions = { invoices: boolean; announcements: boolean; hasEmail: boolean };
  const page = (req: FastifyRequest, reply: FastifyReply, view: Subscriptions, notice?: Notices) =>
    sendPage(reply, <SubscriptionsPage ctx={pageContext(req, reply)} {...view} notice={notice} />);

  app.get('/cabinet/subscriptions', { preHandler: requireCustomer }, async (req, reply) => {
    const u = await settingsUser(db, req.user!.id);
    const { subscribe_invoices: invoices, subscribe_announcements: announcements } = u;
    return page(req, reply, { invoices, announcements, hasEmail: Boolean(u.email) });
  });

  const options = { preHandler: requireCustomer, schema: { body: subscriptionsForm } };
  app.post('/cabinet/subscriptions', options, async (req, reply) => {
    const { invoices, announcements } = req.body;
    const saved = await saveSubscriptions(db, req.user!.id, { invoices, announcements }, { ip: req.ip });
    const notice = { kind: 'success' as const, text: identityText[req.locale].subscriptions.saved };
    return page(req, reply, { invoices, announcements, hasEmail: saved.hasEmail }, notice);
  });
}

export async function settingsRoutes(instance: FastifyInstance, deps: AppDeps) {
  const app = withSchemas(instance);
  emailRoutes(app, deps);
  passwordRoutes(app, deps);
  subscriptionRoutes(app, deps);
}
