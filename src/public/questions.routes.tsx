import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../app-deps';
import { actionLimit, waitMessage } from '../web/action-limit';
import { sendPage } from '../web/html';
import { pageContext } from '../web/request-context';
import { formBody, formText, withSchemas } from '../web/request-schemas';
import { answeredQuestions, askerAccountNumber, askQuestion } from './questions.service';
import { AskPage, type AskView, QaPage } from './questions.views';

/** A question as typed; the use case checks each field and answers with the messages. */
const askForm = formBody({ name: formText(), email: formText(), topic: formText(), body: formText() });

export async function publicQuestionRoutes(instance: FastifyInstance, { db }: AppDeps) {
  const app = withSchemas(instance);
  // Questions land in the operators' queue and are answered by mail: five an hour per email
  // address (or user), ten per client address.
  const askLimit = actionLimit(db, 'question.ask', { perUser: 5, perClient: 10, timeWindowMs: 3600_000 });

  const renderAsk = (req: FastifyRequest, reply: FastifyReply, view: AskView, status = 200) =>
    sendPage(reply, <AskPage ctx={pageContext(req, reply)} view={view} />, status);

  app.get('/ask', async (req, reply) => {
    const name = req.user ? `${req.user.firstName} ${req.user.lastName}`.trim() : '';
    return renderAsk(req, reply, {
      values: { name, email: req.user?.email ?? '', topic: 'other', body: '' },
      errors: {},
      account: await askerAccountNumber(db, req.user),
    });
  });

  app.post('/ask', { schema: { body: askForm } }, async (req, reply) => {
    const { name, email, topic, body } = req.body;
    const result = await askQuestion(db, {
      typed: { name, email, topic, body },
      user: req.user ?? null,
      locale: req.locale,
      ip: req.ip,
      limit: (who) => askLimit(req, who),
    });
    if (result.kind === 'invalid') return renderAsk(req, reply, result, 400);
    if (result.kind === 'limited') {
      reply.header('retry-after', result.wait);
      const { values, account } = result;
      return renderAsk(
        req,
        reply,
        { values, errors: {}, account, limited: waitMessage(req.locale, result.wait) },
        429,
      );
    }
    return reply.redirect('/ask/sent', 303);
  });

  app.get('/ask/sent', async (req, reply) =>
    renderAsk(req, reply, {
      values: { name: '', email: req.user?.email ?? '', topic: 'other', body: '' },
      errors: {},
      sent: true,
      account: await askerAccountNumber(db, req.user),
    }),
  );

  app.get('/qa', async (req, reply) =>
    sendPage(reply, <QaPage ctx={pageContext(req, reply)} rows={await answeredQuestions(db)} />),
  );
}
