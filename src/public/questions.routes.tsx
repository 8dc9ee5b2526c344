import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../app-deps';
import { audit } from '../auth/audit';
import { formatDate } from '../i18n/locales';
import { actionLimit, waitMessage } from '../web/action-limit';
import { Field, Form, field } from '../web/forms';
import { sendPage } from '../web/html';
import { Layout, Notice } from '../web/layout';
import { pageContext } from '../web/request-context';
import { EMAIL_RE, qText, TOPICS } from './questions.messages';

interface AskView {
  values: { name: string; email: string; topic: string; body: string };
  errors: Partial<Record<'name' | 'email' | 'topic' | 'body', string>>;
  sent?: boolean;
  /** Shown above the button: when the visitor may ask again. */
  limited?: string;
  account?: string | undefined;
}

export async function publicQuestionRoutes(app: FastifyInstance, { db }: AppDeps) {
  // Questions land in the operators' queue and are answered by mail: five an hour per email
  // address (or user), ten per client address.
  const askLimit = actionLimit(db, 'question.ask', { perUser: 5, perClient: 10, timeWindowMs: 3600_000 });
  const customerAccountNumber = async (req: FastifyRequest) => {
    if (req.user?.role !== 'customer') return undefined;
    const row = await db
      .selectFrom('user_accounts')
      .innerJoin('accounts', 'accounts.id', 'user_accounts.account_id')
      .select('accounts.number')
      .where('user_accounts.user_id', '=', req.user.id)
      .orderBy('user_accounts.created_at')
      .executeTakeFirst();
    return row?.number;
  };

  const renderAsk = (req: FastifyRequest, reply: FastifyReply, view: AskView, status = 200) => {
    const t = qText[req.locale];
    const ctx = pageContext(req, reply);
    return sendPage(
      reply,
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
      </Layout>,
      status,
    );
  };

  app.get('/ask', async (req, reply) => {
    const name = req.user ? `${req.user.firstName} ${req.user.lastName}`.trim() : '';
    return renderAsk(req, reply, {
      values: { name, email: req.user?.email ?? '', topic: 'other', body: '' },
      errors: {},
      account: await customerAccountNumber(req),
    });
  });

  app.post('/ask', async (req, reply) => {
    const t = qText[req.locale];
    const values = {
      name: field(req.body, 'name'),
      email: field(req.body, 'email'),
      topic: field(req.body, 'topic'),
      body: field(req.body, 'body'),
    };
    const errors: AskView['errors'] = {};
    if (!values.name) errors.name = t.required;
    else if (values.name.length > 100) errors.name = t.tooLong;
    if (!values.email) errors.email = t.required;
    else if (values.email.length > 200 || !EMAIL_RE.test(values.email)) errors.email = t.badEmail;
    if (!(TOPICS as readonly string[]).includes(values.topic)) values.topic = 'other';
    if (!values.body) errors.body = t.required;
    else if (values.body.length > 2000) errors.body = t.tooLong;
    const account = await customerAccountNumber(req);
    if (Object.keys(errors).length) return renderAsk(req, reply, { values, errors, account }, 400);
    const who = req.user ? `user:${req.user.id}` : `email:${values.email}`;
    const wait = await askLimit(req, who);
    if (wait) {
      await audit(db, {
        actorUserId: req.user?.id ?? null,
        action: 'question.ask.limited',
        subject: values.email,
        ip: req.ip,
      });
      reply.header('retry-after', wait);
      const limited = waitMessage(req.locale, wait);
      return renderAsk(req, reply, { values, errors, account, limited }, 429);
    }
    const question = await db
      .insertInto('questions')
      .values({
        name: values.name,
        email: values.email,
        user_id: req.user?.id ?? null,
        account_number: account ?? null,
        topic: values.topic,
        body: values.body,
        locale: req.locale,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit(db, {
      actorUserId: req.user?.id ?? null,
      action: 'question.ask',
      subject: `question:${question.id}`,
      ip: req.ip,
      details: { email: values.email, topic: values.topic },
    });
    return reply.redirect('/ask/sent', 303);
  });

  app.get('/ask/sent', async (req, reply) =>
    renderAsk(req, reply, {
      values: { name: '', email: req.user?.email ?? '', topic: 'other', body: '' },
      errors: {},
      sent: true,
      account: await customerAccountNumber(req),
    }),
  );

  app.get('/qa', async (req, reply) => {
    const t = qText[req.locale];
    const ctx = pageContext(req, reply);
    const rows = await db
      .selectFrom('questions')
      .select(['id', 'topic', 'body', 'answer', 'answered_at'])
      .where('published', '=', true)
      .where('status', '=', 'answered')
      .orderBy('answered_at', 'desc')
      .limit(100)
      .execute();
    return sendPage(
      reply,
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
      </Layout>,
    );
  });
}
