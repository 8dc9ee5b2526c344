import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../app-deps';
import { positiveInt } from '../web/forms';
import { sendPage } from '../web/html';
import { pageContext } from '../web/request-context';
import { formBody, formCheckbox, formText, idParams, queryText, withSchemas } from '../web/request-schemas';
import { staffActor } from './actor';
import { questionsByStatus } from './questions.queries';
import { answerQuestion, publishAnswer } from './questions.service';
import { QuestionsPage } from './questions.views';

const queueQuery = z.object({ status: queryText, done: queryText, error: queryText, id: queryText });
const answerForm = formBody({ answer: formText(4000), publish: formCheckbox });
const publishForm = formBody({ published: formCheckbox });

export async function backofficeQuestionRoutes(instance: FastifyInstance, { db }: AppDeps) {
  const app = withSchemas(instance);
  app.get('/backoffice/questions', { schema: { querystring: queueQuery } }, async (req, reply) => {
    const ctx = pageContext(req, reply);
    const status = req.query.status === 'answered' ? 'answered' : 'new';
    const rows = await questionsByStatus(db, status);
    const errorId = Number(req.query.id ?? 0);
    return sendPage(
      reply,
      <QuestionsPage
        ctx={ctx}
        status={status}
        rows={rows}
        done={Boolean(req.query.done)}
        errorId={errorId}
      />,
    );
  });

  const answerSchema = { params: idParams, body: answerForm };
  app.post('/backoffice/questions/:id/answer', { schema: answerSchema }, async (req, reply) => {
    const id = positiveInt(req.params.id);
    if (id === null) return reply.callNotFound();
    const { answer, publish } = req.body;
    if (!answer) return reply.redirect(`/backoffice/questions?error=answer&id=${id}#q-${id}`, 303);
    const done = await answerQuestion(db, staffActor(req), { id, answer, publish });
    return reply.redirect(
      done ? '/backoffice/questions?done=1' : '/backoffice/questions?status=answered',
      303,
    );
  });

  const publishSchema = { params: idParams, body: publishForm };
  app.post('/backoffice/questions/:id/publish', { schema: publishSchema }, async (req, reply) => {
    const id = positiveInt(req.params.id);
    if (id === null) return reply.callNotFound();
    const { published } = req.body;
    await publishAnswer(db, staffActor(req), { id, published });
    return reply.redirect('/backoffice/questions?status=answered', 303);
  });
}
