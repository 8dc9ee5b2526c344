import { formatDateTime } from '../i18n/locales';
import { qText } from '../public/questions.messages';
import { Notice } from '../web/layout';
import type { PageContext } from '../web/request-context';
import { BackofficeLayout } from './layout';
import type { QuestionRow, QuestionStatus } from './questions.queries';

type QuestionsText = (typeof qText)['kk'];

/** The answer as sent, and the button that publishes it on the Q&A page or withdraws it. */
function AnsweredQuestion({ q, t, csrfToken }: { q: QuestionRow; t: QuestionsText; csrfToken: string }) {
  return (
    <>
      <h3>{t.answer}</h3>
      <p class="pre">{q.answer}</p>
      <form method="post" action={`/backoffice/questions/${q.id}/publish`} class="inline">
        <input type="hidden" name="_csrf" value={csrfToken} />
        <input type="hidden" name="published" value={q.published ? '0' : '1'} />
        {q.published ? <span class="muted">{t.published} </span> : null}
        <button type="submit">{q.published ? t.unpublish : t.doPublish}</button>
      </form>
    </>
  );
}

/** The answer form of a new question; `failed` when it was sent empty. */
function AnswerForm(props: { q: QuestionRow; t: QuestionsText; csrfToken: string; failed: boolean }) {
  const { q, t } = props;
  return (
    <form method="post" action={`/backoffice/questions/${q.id}/answer`} class="form wide-form">
      <input type="hidden" name="_csrf" value={props.csrfToken} />
      <div class={props.failed ? 'field has-error' : 'field'}>
        <label for={`answer-${q.id}`}>{t.answer}</label>
        <textarea id={`answer-${q.id}`} name="answer" maxLength={4000} rows={6} required />
        {props.failed ? <p class="error">{t.required}</p> : null}
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
  );
}

function QuestionCard(props: { q: QuestionRow; t: QuestionsText; csrfToken: string; errorId: number }) {
  const { q, t } = props;
  return (
    <article id={`q-${q.id}`}>
      <p class="muted">
        {t.from}: {q.name} &lt;{q.email}&gt;
        {q.account_number ? ` · ${q.account_number}` : ''} ·{' '}
        {t.topics[q.topic as keyof typeof t.topics] ?? q.topic} · {q.locale} · {t.received}{' '}
        {formatDateTime(q.created_at)}
      </p>
      <p class="pre">{q.body}</p>
      {q.status === 'answered' ? (
        <AnsweredQuestion q={q} t={t} csrfToken={props.csrfToken} />
      ) : (
        <AnswerForm q={q} t={t} csrfToken={props.csrfToken} failed={props.errorId === q.id} />
      )}
    </article>
  );
}

/** The questions inbox: new or answered questions, each with its answer form or its answer. */
export function QuestionsPage(props: {
  ctx: PageContext;
  status: QuestionStatus;
  rows: QuestionRow[];
  done: boolean;
  /** The question whose answer was sent empty (0: none). */
  errorId: number;
}) {
  const { ctx, status } = props;
  const t = qText[ctx.locale];
  return (
    <BackofficeLayout ctx={ctx} title={t.inbox}>
      {props.done ? <Notice kind="success">{t.answered}</Notice> : null}
      <p class="actions">
        {status === 'new' ? <strong>{t.newOnes}</strong> : <a href="/backoffice/questions">{t.newOnes}</a>}
        {status === 'answered' ? (
          <strong>{t.answeredOnes}</strong>
        ) : (
          <a href="/backoffice/questions?status=answered">{t.answeredOnes}</a>
        )}
      </p>
      {props.rows.length === 0 ? <p>{status === 'new' ? t.noneNew : t.noneAnswered}</p> : null}
      <div class="cards">
        {props.rows.map((q) => (
          <QuestionCard key={q.id} q={q} t={t} csrfToken={ctx.csrfToken} errorId={props.errorId} />
        ))}
      </div>
    </BackofficeLayout>
  );
}
