import { formatDateTime, type Locale } from '../i18n/locales';
import { type Column, DataTable } from '../web/data-table';
import { Field, Form } from '../web/forms';
import { Notice } from '../web/layout';
import type { PageContext } from '../web/request-context';
import type { AuditQuery } from './audit-filter';
import { homeText } from './home.messages';
import type { AuditEntry } from './home.queries';
import { BackofficeLayout, nav } from './layout';

type Text = (typeof homeText)[Locale];

/** The back-office home: a greeting and the counts of work waiting. */
export function HomePage({
  ctx,
  counts,
}: {
  ctx: PageContext;
  counts: { flagged: number; questions: number; notes: number };
}) {
  const t = homeText[ctx.locale];
  return (
    <BackofficeLayout ctx={ctx} title={nav[ctx.locale].area}>
      <p>
        {t.welcome}, {ctx.user?.login}.
      </p>
      <dl class="facts">
        <div>
          <dt>
            <a href="/backoffice/readings">{t.flagged}</a>
          </dt>
          <dd id="count-flagged">{counts.flagged}</dd>
        </div>
        <div>
          <dt>
            <a href="/backoffice/questions">{t.newQuestions}</a>
          </dt>
          <dd id="count-questions">{counts.questions}</dd>
        </div>
        <div>
          <dt>
            <a href="/backoffice/notes">{t.activeNotes}</a>
          </dt>
          <dd>{counts.notes}</dd>
        </div>
      </dl>
    </BackofficeLayout>
  );
}

/** The second-factor page: `enrolment` while the app is being set up, else the code form (or "on"). */
export interface SecondFactorView {
  enrolment: { secret: string; uri: string; qr: string } | null;
  verified: boolean;
  error?: string | undefined;
  next: string;
}

export function SecondFactorPage({ ctx, view }: { ctx: PageContext; view: SecondFactorView }) {
  const t = homeText[ctx.locale];
  return (
    <BackofficeLayout ctx={ctx} title={t.tfaTitle}>
      {view.verified ? <Notice kind="success">{t.tfaOn}</Notice> : null}
      {view.enrolment ? <Enrolment t={t} {...view.enrolment} /> : view.verified ? null : <p>{t.tfaEnter}</p>}
      {view.verified ? null : (
        <Form action="/backoffice/2fa" csrfToken={ctx.csrfToken}>
          <input type="hidden" name="next" value={view.next} />
          <Field
            name="code"
            label={t.tfaCode}
            error={view.error}
            inputMode="numeric"
            autocomplete="one-time-code"
            required
            maxLength={8}
          />
          <button type="submit" class="primary">
            {t.tfaSubmit}
          </button>
        </Form>
      )}
    </BackofficeLayout>
  );
}

function Enrolment({ t, secret, uri, qr }: { t: Text; secret: string; uri: string; qr: string }) {
  return (
    <>
      <p>{t.tfaEnrolIntro}</p>
      <img class="qr" src={qr} alt={t.tfaQrAlt} width={220} height={220} />
      <dl class="facts">
        <div>
          <dt>{t.tfaSecret}</dt>
          <dd>
            <code class="secret" id="totp-secret">
              {secret}
            </code>
          </dd>
        </div>
        <div>
          <dt>{t.tfaUri}</dt>
          <dd>
            <code class="secret">{uri}</code>
          </dd>
        </div>
      </dl>
    </>
  );
}

/** The audit log: the filter form, then a page of entries with a link to older ones when full. */
export function AuditLogPage({
  ctx,
  q,
  errors,
  rows,
  olderHref,
}: {
  ctx: PageContext;
  q: AuditQuery;
  errors: { from?: true; to?: true };
  rows: AuditEntry[];
  olderHref: string | null;
}) {
  const t = homeText[ctx.locale];
  const columns: Column<AuditEntry>[] = [
    { head: t.at, cell: (r) => formatDateTime(r.at) },
    { head: t.actor, cell: (r) => r.login ?? '' },
    { head: t.action, cell: (r) => r.action },
    { head: t.subject, cell: (r) => r.subject },
    { head: t.ip, cell: (r) => r.ip ?? '' },
    { head: t.details, cell: (r) => <code>{JSON.stringify(r.details)}</code> },
  ];
  return (
    <BackofficeLayout ctx={ctx} title={t.auditTitle}>
      <Form action="/backoffice/audit" method="get" csrfToken="" class="form wide-form">
        <Field name="actor" label={t.actor} value={q.actor} maxLength={64} />
        <Field name="action" label={t.action} value={q.action} maxLength={64} />
        <Field name="from" type="date" label={t.from} value={q.from} error={errors.from && t.badDate} />
        <Field name="to" type="date" label={t.to} value={q.to} error={errors.to && t.badDate} />
        <button type="submit" class="primary">
          {t.filter}
        </button>
      </Form>
      {rows.length === 0 ? (
        <p>{t.nothing}</p>
      ) : (
        <>
          <p class="muted">{t.shown}</p>
          <DataTable id="audit" columns={columns} rows={rows} rowKey={(r) => r.id} />
          {olderHref ? (
            <p>
              <a href={olderHref}>{t.older}</a>
            </p>
          ) : null}
        </>
      )}
    </BackofficeLayout>
  );
}
