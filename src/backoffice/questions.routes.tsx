import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app-deps';
import { field, positiveInt } from '../web/forms';
import { sendPage } from '../web/html';
import { pageContext } from '../web/request-context';
import { staffActor } from './actor';
import { questionsByStatus } from './questions.queries';
import { answerQuestion, publishAnswer } from './questions.service';
import { QuestionsPage } from './questions.views';

export async function backofficeQuestionRoutes(app: FastifyInstance, { db }: AppDeps) {
  app.get<{ Querystring: { status?: string; done?: string; error?: string; id?: string } }>(
    '/backoffice/questions',
    async (req, reply) => {
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
    },
  );

  app.post<{ Params: { id: string } }>('/backoffice/questions/:id/answer', async (req, reply) => {
    const id = positiveInt(req.params.id);
    if (id === null) return reply.callNotFound();
    const answer = field(req.body, 'answer').slice(0, 4000);
    const publish = field(req.body, 'publish') === '1';
    if (!answer) return reply.redirect(`/backoffice/questions?error=answer&id=${id}#q-${id}`, 303);
    const done = await answerQuestion(db, staffActor(req), { id, answer, publish });
    return reply.redirect(
      done ? '/backoffice/questions?done=1' : '/backoffice/questions?status=answered',
      303,
    );
  });

  app.post<{ Params: { id: string } }>('/backoffice/questions/:id/publish', async (req, reply) => {
    const id = positiveInt(req.params.id);
    if (id === null) return reply.callNotFound();
    const published = field(req.body, 'published') === '1';
    await publishAnswer(db, staffActor(req), { id, published });
    return reply.redirect('/backoffice/questions?status=answered', 303);
  });
}
