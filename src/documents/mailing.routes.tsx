import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../app-deps';
import { formatDateTime } from '../i18n/locales';
import { actionLimit, waitMessage } from '../web/action-limit';
import { sendPage } from '../web/html';
import { pageContext } from '../web/request-context';
import { formBody, formText, withSchemas } from '../web/request-schemas';
import { defaultPeriod } from './invoice.service';
import { mailingReport } from './mailing';
import { mailingText } from './mailing.messages';
import { startMailingAsOperator } from './mailing.service';
import { type MailingForm, MailingPage } from './mailing.views';

/**
 * The mailing report for operators: per month, sent / failed / pending, and a form that starts a
 * month's mailing (the app's mailing worker picks it up within a minute).
 */
/** The month a mailing is started for, as typed (the use case checks it). */
const mailingForm = formBody({ period: formText(20) });

export async function mailingRoutes(instance: FastifyInstance, { db }: AppDeps) {
  const app = withSchemas(instance);
  // A mailing writes to every subscriber: a few starts an hour per staff user and per address.
  const startLimit = actionLimit(db, 'mailing.start', { perUser: 5, perClient: 10, timeWindowMs: 3600_000 });
  const page = async (req: FastifyRequest, reply: FastifyReply, form: MailingForm) => {
    const rows = await mailingReport(db);
    const status = form.error ? 400 : form.limited ? 429 : form.busy ? 409 : 200;
    return sendPage(reply, <MailingPage ctx={pageContext(req, reply)} rows={rows} form={form} />, status);
  };

  app.get('/backoffice/mailings', (req, reply) => page(req, reply, { period: defaultPeriod() }));

  app.post('/backoffice/mailings', { schema: { body: mailingForm } }, async (req, reply) => {
    const { period } = req.body;
    const t = mailingText[req.locale];
    const result = await startMailingAsOperator(db, {
      period,
      staffUserId: req.user?.id ?? null,
      ip: req.ip,
      limit: () => startLimit(req),
    });
    switch (result.kind) {
      case 'badPeriod':
        return page(req, reply, { period, error: t.badPeriod });
      case 'limited':
        reply.header('retry-after', result.wait);
        return page(req, reply, { period, limited: waitMessage(req.locale, result.wait) });
      case 'busy':
        return page(req, reply, { period, busy: t.alreadyRunning(formatDateTime(result.since)) });
      case 'started':
        return page(req, reply, { period, notice: t.startedNotice(result.recipients) });
    }
  });
}
