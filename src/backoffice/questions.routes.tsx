import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app-deps';
import { formatDateTime } from '../i18n/locales';
import { enqueueMail } from '../mail/outbox';
import { qText } from '../public/questions.messages';
import { field, positiveInt } from '../web/forms';
import { sendPage } from '../web/html';
import { Notice } from '../web/layout';
import { pageContext } from '../web/request-context';
import { staffAudit } from './home.routes';
import { BackofficeLayout } from './layout';

export async function backofficeQuestionRoutes(app: FastifyInstance, { db }: AppDeps) {
  app.get<{ Querystring: { status?: string; done?: string; error?: string; id?: string } }>(
    '/backoffice/questions',
    async (req, reply) => {
      const t = qText[req.locale];
      const ctx = pageContext(req, reply);
      const status = req.query.status === 'answered' ? 'answered' : 'new';
      const rows = await db
        .selectFrom('questions')
        .selectAll()
        .where('status', '=', status)
        .orderBy('created_at', status === 'new' ? 'asc' : 'desc')
        .limit(100)
        .execute();
      const errorId = Number(req.query.id ?? 0);
      return sendPage(
        reply,
        <BackofficeLayout ctx={ctx} title={t.inbox}>
          {req.query.done ? <Notice kind="success">{t.answered}</Notice> : null}
          <p class="actions">
            {status === 'new' ? (
              <strong>{t.newOnes}</strong>
            ) : (
              <a href="/backoffice/questions">{t.newOnes}</a>
            )}
            {status === 'answered' ? (
              <strong>{t.answeredOnes}</strong>
            ) : (
              <a href="/backoffice/questions?status=answered">{t.answeredOnes}</a>
            )}
          </p>
          {rows.length === 0 ? <p>{status === 'new' ? t.noneNew : t.noneAnswered}</p> : null}
          <div class="cards">
            {rows.map((q) => (
              <article key={q.id} id={`q-${q.id}`}>
                <p class="muted">
                  {t.from}: {q.name} &lt;{q.email}&gt;
                  {q.account_number ? ` · ${q.account_number}` : ''} ·{' '}
                  {t.topics[q.topic as keyof typeof t.topics] ?? q.topic} · {q.locale} · {t.received}{' '}
                  {formatDateTime(q.created_at)}
                </p>
                <p class="pre">{q.body}</p>
                {q.status === 'answered' ? (
                  <>
                    <h3>{t.answer}</h3>
                    <p class="pre">{q.answer}</p>
                    <form method="post" action={`/backoffice/questions/${q.id}/publish`} class="inline">
                      <input type="hidden" name="_csrf" value={ctx.csrfToken} />
                      <input type="hidden" name="published" value={q.published ? '0' : '1'} />
                      {q.published ? <span class="muted">{t.published} </span> : null}
                      <button type="submit">{q.published ? t.unpublish : t.doPublish}</button>
                    </form>
                  </>
                ) : (
                  <form method="post" action={`/backoffice/questions/${q.id}/answer`} class="form wide-form">
                    <input type="hidden" name="_csrf" value={ctx.csrfToken} />
                    <div class={errorId === q.id ? 'field has-error' : 'field'}>
                      <label for={`answer-${q.id}`}>{t.answer}</label>
                      <textarea id={`answer-${q.id}`} name="answer" maxLength={4000} rows={6} required />
                      {errorId === q.id ? <p class="error">{t.required}</p> : null}
                    </div>
                    <div class="field checkbox">
                      <label>
                        <input type="checkbox" name="publish" value="1" /> {t.publish}
                      </label>
                    </div>
                    <button type="submit" class="primary">
                      {t.reply}
                    </button>
                  </form>
                )}
              </article>
            ))}
          </div>
        </BackofficeLayout>,
      );
    },
  );

  app.post<{ Params: { id: string } }>('/backoffice/questions/:id/answer', async (req, reply) => {
    const id = positiveInt(req.params.id);
    if (id === null) return reply.callNotFound();
    const answer = field(req.body, 'answer').slice(0, 4000);
    const publish = field(req.body, 'publish') === '1';
    if (!answer) return reply.redirect(`/backoffice/questions?error=answer&id=${id}#q-${id}`, 303);
    const done = await db.transaction().execute(async (tx) => {
      const q = await tx
        .updateTable('questions')
        .set({
          status: 'answered',
          answer,
          answered_by: req.user?.id ?? null,
          answered_at: new Date(),
          published: publish,
        })
        .where('id', '=', id)
        .where('status', '=', 'new')
        .returning(['id', 'email', 'locale', 'body', 'name'])
        .executeTakeFirst();
      if (!q) return false;
      const m = qText[q.locale];
      await enqueueMail(tx, {
        to: q.email,
        subject: m.mailSubject,
        text: `${q.name},\n\n${m.mailYourQuestion}\n${q.body}\n\n${m.mailAnswer}\n${answer}\n`,
        purpose: 'question.answer',
        dedupeKey: `question-answer:${q.id}`,
      });
      await staffAudit(tx, req, 'question.answer', `question:${q.id}`, { published: publish });
      return true;
    });
    return reply.redirect(
      done ? '/backoffice/questions?done=1' : '/backoffice/questions?status=answered',
      303,
    );
  });

  app.post<{ Params: { id: string } }>('/backoffice/questions/:id/publish', async (req, reply) => {
    const id = positiveInt(req.params.id);
    if (id === null) return reply.callNotFound();
    const published = field(req.body, 'published') === '1';
    await db.transaction().execute(async (tx) => {
      const row = await tx
        .updateTable('questions')
        .set({ published })
        .where('id', '=', id)
        .where('status', '=', 'answered')
        .returning('id')
        .executeTakeFirst();
      if (row)
        await staffAudit(tx, req, published ? 'question.publish' : 'question.unpublish', `question:${id}`);
    });
    return reply.redirect('/backoffice/questions?status=answered', 303);
  });
}
