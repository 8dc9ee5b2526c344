import { formatDate } from '../i18n/locales';
import { Field, Form } from '../web/forms';
import { Layout, Notice } from '../web/layout';
import type { PageContext } from '../web/request-context';
import type { AskField, AskProblem, AskValues } from './ask-form';
import { qText, TOPICS } from './questions.messages';

export interface AskView {
  values: AskValues;
  errors: Partial<Record<AskField, AskProblem>>;
  sent?: boolean;
  /** Shown above the button: when the visitor may ask again. */
  limited?: string;
  account?: string | undefined;
}

/** The "ask a question" page: the form, with what was typed and a message next to each wrong field. */
export function AskPage({ ctx, view: v }: { ctx: PageContext; view: AskView }) {
  const t = qText[ctx.locale];
  const view = {
    ...v,
    errors: Object.fromEntries(Object.entries(v.errors).map(([k, p]) => [k, t[p]])) as Partial<
      Record<AskField, string>
    >,
  };
  return (
    <Layout ctx={ctx} title={t.askTitle}>
      {view.sent ? <Notice kind="success">{t.sent}</Notice> : <p>{t.askIntro}</p>}
      <Form action="/ask" csrfToken={ctx.csrfToken} class="form wide-form">
        {view.account ? <Field name="account" label={t.account} value={view.account} readOnly /> : null}
        <Field
          name="name"
          label={t.name}
          value={view.values.name}
          error={view.errors.name}
          autocomplete="name"
          required
          maxLength={100}
        />
        <Field
          name="email"
          type="email"
          label={t.email}
          hint={t.emailHint}
          value={view.values.email}
          error={view.errors.email}
          autocomplete="email"
          inputMode="email"
          required
          maxLength={200}
        />
        <div class={view.errors.topic ? 'field has-error' : 'field'}>
          <label for="f-topic">{t.topic}</label>
          <select id="f-topic" name="topic">
            {TOPICS.map((k) => (
              <option key={k} value={k} selected={view.values.topic === k}>
                {t.topics[k]}
              </option>
            ))}
          </select>
          {view.errors.topic ? <p class="error">{view.errors.topic}</p> : null}
        </div>
        <div class={view.errors.body ? 'field has-error' : 'field'}>
          <label for="f-body">
            {t.body}
            <span class="req"> *</span>
          </label>
          <textarea
            id="f-body"
            name="body"
            required
            maxLength={2000}
            rows={8}
            aria-invalid={view.errors.body ? 'true' : undefined}
            aria-describedby={view.errors.body ? 'f-body-error' : undefined}
          >
            {view.values.body}
          </textarea>
          {view.errors.body ? (
            <p class="error" id="f-body-error">
              {view.errors.body}
            </p>
          ) : null}
        </div>
        {view.limited ? <Notice kind="error">{view.limited}</Notice> : null}
        <button type="submit" class="primary">
          {t.send}
        </button>
      </Form>
    </Layout>
  );
}

export interface AnsweredQuestion {
  id: number;
  topic: string;
  body: string;
  answer: string | null;
  answered_at: Date | null;
}

/** The published questions and their answers. */
export function QaPage({ ctx, rows }: { ctx: PageContext; rows: AnsweredQuestion[] }) {
  const t = qText[ctx.locale];
  return (
    <Layout ctx={ctx} title={t.qaTitle}>
      {rows.length === 0 ? <p>{t.qaEmpty}</p> : null}
      <div class="cards" id="qa">
        {rows.map((q) => (
          <article key={q.id}>
            <p class="muted">
              {t.topics[q.topic as keyof typeof t.topics] ?? q.topic} ·{' '}
              {formatDate(q.answered_at?.toISOString())}
            </p>
            <h2>{t.question}</h2>
            <p class="pre">{q.body}</p>
            <h3>{t.answer}</h3>
            <p class="pre">{q.answer}</p>
          </article>
        ))}
      </div>
      <p>
        <a href="/ask">{t.askTitle}</a>
      </p>
    </Layout>
  );
}
