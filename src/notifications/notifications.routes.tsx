import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../app-deps';
import { requireCustomer } from '../auth/guard';
import { staffActor } from '../backoffice/actor';
import { isLocale } from '../i18n/locales';
import { sendPage } from '../web/html';
import { pageContext } from '../web/request-context';
import { formBody, formList, formText, queryText, withSchemas } from '../web/request-schemas';
import { notificationText } from './notifications.messages';
import { disabledKinds, sentCounts, userContact } from './notifications.queries';
import { BackofficeNotificationsPage, PreferencesPage, UnsubscribePage } from './notifications.views';
import { savePreferences, unsubscribe } from './preferences.service';
import { isNotificationKind } from './schedule';
import { sendTestNotification } from './test-send.service';
import { readUnsubscribeToken } from './unsubscribe-token';

/** The preferences form: the kinds ticked (one or many `kind` fields) and the messages' language. */
const preferencesForm = formBody({
  kind: formList().transform((kinds) => kinds.filter(isNotificationKind)),
  locale: formText(10),
});

const tokenParams = z.object({ token: z.string().max(200) });

/** Reminders and alerts: the customer's preferences, the one-click unsubscribe, the staff view. */
export async function notificationRoutes(instance: FastifyInstance, { db, config }: AppDeps) {
  const app = withSchemas(instance);
  const preferencesPage = async (userId: number, saved: boolean) => {
    const [disabled, contact] = await Promise.all([disabledKinds(db, userId), userContact(db, userId)]);
    return { disabled, locale: contact?.locale ?? 'ru', hasEmail: Boolean(contact?.email), saved };
  };

  // Post/redirect/get: the saved preferences are shown at the page's own address, so a reload
  // asks for the page again instead of saving (and auditing) once more.
  app.get(
    '/cabinet/notifications',
    { preHandler: requireCustomer, schema: { querystring: z.object({ saved: queryText }) } },
    async (req, reply) =>
      sendPage(
        reply,
        <PreferencesPage
          ctx={pageContext(req, reply, '/cabinet/notifications')}
          {...(await preferencesPage(req.user!.id, req.query.saved === '1'))}
        />,
      ),
  );

  const preferencesOptions = { preHandler: requireCustomer, schema: { body: preferencesForm } };
  app.post('/cabinet/notifications', preferencesOptions, async (req, reply) => {
    const enabled = req.body.kind;
    const locale = isLocale(req.body.locale) ? req.body.locale : req.locale;
    await savePreferences(db, req.user!.id, { enabled, locale }, { ip: req.ip });
    return reply.redirect('/cabinet/notifications?saved=1', 303);
  });

  // The link in a message: a page with one button, so a mail scanner that follows links turns
  // nothing off. RFC 8058 clients POST to the same address ("List-Unsubscribe=One-Click"); the
  // signed token is the proof, so this POST takes no CSRF token.
  app.get('/unsubscribe/:token', { schema: { params: tokenParams } }, async (req, reply) => {
    const { token } = req.params;
    const link = readUnsubscribeToken(config.SESSION_SECRET, token);
    const page = (
      <UnsubscribePage ctx={pageContext(req, reply)} token={token} kind={link?.kind ?? null} done={false} />
    );
    return sendPage(reply, page, link ? 200 : 404);
  });

  const unsubscribeOptions = { config: { csrf: false as const }, schema: { params: tokenParams } };
  app.post('/unsubscribe/:token', unsubscribeOptions, async (req, reply) => {
    const { token } = req.params;
    const kind = await unsubscribe(db, token, { secret: config.SESSION_SECRET, ip: req.ip });
    const page = (
      <UnsubscribePage ctx={pageContext(req, reply)} token={token} kind={kind} done={kind !== null} />
    );
    return sendPage(reply, page, kind ? 200 : 404);
  });

  const since = () => new Date(Date.now() - 365 * 24 * 3600_000);
  const TEST_DONE = ['sent', 'noemail'] as const;
  // The test form answers with a redirect here (`?test=sent|noemail`): a reload shows the page
  // again and sends nothing.
  const testQuery = { querystring: z.object({ test: queryText }) };
  const staffPage = async (req: FastifyRequest, reply: FastifyReply, test?: string) => {
    const t = notificationText[req.locale].backoffice;
    const done = TEST_DONE.find((d) => d === test);
    const notice =
      done === 'sent' && req.user?.email
        ? { kind: 'success' as const, text: t.testSent(req.user.email) }
        : done
          ? { kind: 'error' as const, text: t.testNoEmail }
          : undefined;
    const page = (
      <BackofficeNotificationsPage
        ctx={pageContext(req, reply, '/backoffice/notifications')}
        counts={await sentCounts(db, since())}
        notice={notice}
      />
    );
    return sendPage(reply, page);
  };
  app.get('/backoffice/notifications', { schema: testQuery }, async (req, reply) =>
    staffPage(req, reply, req.query.test),
  );
  // The address the test form posts to, opened directly: the page (200 like every back-office
  // page), nothing sent.
  app.get('/backoffice/notifications/test', async (req, reply) => staffPage(req, reply));

  app.post('/backoffice/notifications/test', async (req, reply) => {
    const to = await sendTestNotification(db, staffActor(req), config.PUBLIC_URL);
    return reply.redirect(`/backoffice/notifications?test=${to ? 'sent' : 'noemail'}`, 303);
  });
}
