import { formatDateTime, formatPeriod, type Locale } from '../i18n/locales';
import { Layout, Notice } from '../web/layout';
import type { PageContext } from '../web/request-context';
import type { MailingReportRow } from './mailing';
import { mailingText } from './mailing.messages';

export interface MailingForm {
  period: string;
  error?: string;
  notice?: string;
  limited?: string;
  busy?: string;
}

/** Per month: started, completed, subscribers, sent, failed, pending, no data. */
function MailingTable({ locale, rows }: { locale: Locale; rows: MailingReportRow[] }) {
  const t = mailingText[locale];
  return (
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
              <td>{formatPeriod(locale, r.period)}</td>
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
  );
}

/** The operators' mailing report: per month sent / failed / pending, and the form that starts a month. */
export function MailingPage({
  ctx,
  rows,
  form,
}: {
  ctx: PageContext;
  rows: MailingReportRow[];
  form: MailingForm;
}) {
  const t = mailingText[ctx.locale];
  return (
    <Layout ctx={ctx} title={t.title}>
      {form.notice ? <Notice kind="success">{form.notice}</Notice> : null}
      {form.busy ? <Notice kind="info">{form.busy}</Notice> : null}
      {rows.length === 0 ? <p>{t.none}</p> : <MailingTable locale={ctx.locale} rows={rows} />}
      <p>
        <a href="/backoffice/outbox">{t.outbox}</a>
      </p>
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
    </Layout>
  );
}
