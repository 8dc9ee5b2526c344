import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../app-deps';
import { staffAudit } from '../backoffice/home.routes';
import { isPeriod } from '../billing/period';
import { defineMessages, formatDateTime, formatPeriod } from '../i18n/locales';
import { actionLimit, waitMessage } from '../web/action-limit';
import { field } from '../web/forms';
import { sendPage } from '../web/html';
import { Layout, Notice } from '../web/layout';
import { pageContext } from '../web/request-context';
import { defaultPeriod } from './invoice.service';
import { mailingReport, startInvoiceMailing } from './mailing';

const text = defineMessages({
  kk: {
    title: 'Шот-хабарламаларды ай сайын тарату',
    period: 'Ай',
    started: 'Басталды',
    completed: 'Аяқталды',
    total: 'Жазылушылар',
    sent: 'Жіберілді',
    failed: 'Қате',
    pending: 'Күтуде',
    skipped: 'Деректер жоқ',
    inProgress: 'жүріп жатыр',
    none: 'Тарату әлі болған жоқ.',
    start: 'Таратуды бастау',
    periodHint: 'ЖЖЖЖ-АА, мысалы 2026-10',
    badPeriod: 'Айды ЖЖЖЖ-АА түрінде жазыңыз, мысалы 2026-10.',
    startedNotice: (n: number) => `Тарату басталды: жаңа алушылар — ${n}.`,
    alreadyRunning: (since: string) => `Бұл айдың таратуы ${since} бастап жүріп жатыр; ештеңе өзгерген жоқ.`,
  },
  ru: {
    title: 'Ежемесячная рассылка счетов-извещений',
    period: 'Месяц',
    started: 'Начата',
    completed: 'Завершена',
    total: 'Подписчики',
    sent: 'Отправлено',
    failed: 'Ошибки',
    pending: 'В очереди',
    skipped: 'Нет данных',
    inProgress: 'идёт',
    none: 'Рассылок ещё не было.',
    start: 'Начать рассылку',
    periodHint: 'ГГГГ-ММ, например 2026-10',
    badPeriod: 'Укажите месяц в виде ГГГГ-ММ, например 2026-10.',
    startedNotice: (n: number) => `Рассылка начата: новых получателей — ${n}.`,
    alreadyRunning: (since: string) => `Рассылка этого месяца уже идёт с ${since}; ничего не изменено.`,
  },
  en: {
    title: 'Monthly invoice mailing',
    period: 'Month',
    started: 'Started',
    completed: 'Completed',
    total: 'Subscribers',
    sent: 'Sent',
    failed: 'Failed',
    pending: 'Pending',
    skipped: 'No data',
    inProgress: 'in progress',
    none: 'No mailing has run yet.',
    start: 'Start mailing',
    periodHint: 'YYYY-MM, e.g. 2026-10',
    badPeriod: 'Write the month as YYYY-MM, e.g. 2026-10.',
    startedNotice: (n: number) => `Mailing started: ${n} new recipients.`,
    alreadyRunning: (since: string) =>
      `This month's mailing is already running since ${since}; nothing changed.`,
  },
});

/**
 * The mailing report for operators: per month, sent / failed / pending, and a form that starts a
 * month's mailing (the app's mailing worker picks it up within a minute).
 */
export async function mailingRoutes(app: FastifyInstance, { db }: AppDeps) {
  // A mailing writes to every subscriber: a few starts an hour per staff user and per address.
  const startLimit = actionLimit(db, 'mailing.start', { perUser: 5, perClient: 10, timeWindowMs: 3600_000 });
  const page = async (
    req: FastifyRequest,
    reply: FastifyReply,
    form: { period: string; error?: string; notice?: string; limited?: string; busy?: string },
  ) => {
    const ctx = pageContext(req, reply);
    const t = text[ctx.locale];
    const rows = await mailingReport(db);
    return sendPage(
      reply,
      <Layout ctx={ctx} title={t.title}>
        {form.notice ? <Notice kind="success">{form.notice}</Notice> : null}
        {form.busy ? <Notice kind="info">{form.busy}</Notice> : null}
        {rows.length === 0 ? (
          <p>{t.none}</p>
        ) : (
          <div class="table-wrap">
            <table class="data">
              <thead>
                <tr>
                  <th scope="col">{t.period}</th>
                  <th scope="col">{t.started}</th>
                  <th scope="col">{t.completed}</th>
                  <th scope="col" class="num">
                    {t.total}
                  </th>
                  <th scope="col" class="num">
                    {t.sent}
                  </th>
                  <th scope="col" class="num">
                    {t.failed}
                  </th>
                  <th scope="col" class="num">
                    {t.pending}
                  </th>
                  <th scope="col" class="num">
                    {t.skipped}
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.period}>
                    <td>{formatPeriod(ctx.locale, r.period)}</td>
                    <td>{formatDateTime(r.startedAt)}</td>
                    <td>{r.completedAt ? formatDateTime(r.completedAt) : t.inProgress}</td>
                    <td class="num">{r.total}</td>
                    <td class="num">{r.sent}</td>
                    <td class="num">{r.failed}</td>
                    <td class="num">{r.pending}</td>
                    <td class="num">{r.skipped}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <form method="post" action="/backoffice/mailings" class="form" noValidate>
          <input type="hidden" name="_csrf" value={ctx.csrfToken} />
          <div class={form.error ? 'field has-error' : 'field'}>
            <label for="f-period">{t.period}</label>
            <input
              id="f-period"
              name="period"
              type="text"
              value={form.period}
              inputMode="numeric"
              aria-invalid={form.error ? 'true' : undefined}
              aria-describedby="f-period-hint"
            />
            <p class="hint" id="f-period-hint">
              {t.periodHint}
            </p>
            {form.error ? <p class="error">{form.error}</p> : null}
          </div>
          {form.limited ? <Notice kind="error">{form.limited}</Notice> : null}
          <button type="submit" class="primary">
            {t.start}
          </button>
        </form>
      </Layout>,
      form.error ? 400 : form.limited ? 429 : form.busy ? 409 : 200,
    );
  };

  app.get('/backoffice/mailings', (req, reply) => page(req, reply, { period: defaultPeriod() }));

  app.post('/backoffice/mailings', async (req, reply) => {
    const period = field(req.body, 'period');
    const t = text[req.locale];
    if (!isPeriod(period) || period > defaultPeriod())
      return page(req, reply, { period, error: t.badPeriod });
    const wait = await startLimit(req);
    if (wait) {
      await staffAudit(db, req, 'mailing.start.limited', period, { wait });
      reply.header('retry-after', wait);
      return page(req, reply, { period, limited: waitMessage(req.locale, wait) });
    }
    const { recipients, runningSince } = await startInvoiceMailing(db, null, period, req.user?.id ?? null);
    if (runningSince) {
      await staffAudit(db, req, 'mailing.start.busy', period, { since: runningSince.toISOString() });
      return page(req, reply, { period, busy: t.alreadyRunning(formatDateTime(runningSince)) });
    }
    await staffAudit(db, req, 'mailing.start', period, { recipients });
    return page(req, reply, { period, notice: t.startedNotice(recipients) });
  });
}
