import { type ExchangeProblem, problemText } from '../exchange/exchange.messages';
import type { ImportReport } from '../exchange/import.service';
import { formatDateTime, type Locale } from '../i18n/locales';
import { Notice } from '../web/layout';
import type { PageContext } from '../web/request-context';
import { type ExchangePageText, exchangePageText } from './exchange.messages';
import type { MailReportRow, RunRow } from './exchange.queries';
import { BackofficeLayout } from './layout';

/** What an upload or a run gave: the import reports, the readings exported, or a message. */
export interface ExchangeOutcome {
  reports: ImportReport[];
  exported?: number;
  error?: string;
}

function problemsOf(errors: unknown, locale: Locale): string[] {
  if (!Array.isArray(errors)) return [];
  return errors.slice(0, 5).map((e) => {
    const p = e as ExchangeProblem & { message?: string };
    const where = p.line ? `${p.file}:${p.line}` : p.file;
    return `${where} — ${p.code ? problemText(p, locale) : (p.message ?? '')}`;
  });
}

function RunsTable({ runs, t, locale }: { runs: RunRow[]; t: ExchangePageText; locale: Locale }) {
  return (
    <div class="table-wrap">
      <table class="data" id="runs">
        <thead>
          <tr>
            <th>{t.started}</th>
            <th>{t.kind}</th>
            <th>{t.fileCol}</th>
            <th>{t.status}</th>
            <th class="num">{t.rowsRead}</th>
            <th class="num">{t.inserted}</th>
            <th class="num">{t.updated}</th>
            <th class="num">{t.unchanged}</th>
            <th class="num">{t.rejectedRows}</th>
            <th>{t.problems}</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr key={String(r.id)}>
              <td>{formatDateTime(r.started_at)}</td>
              <td>{t.kinds[r.kind]}</td>
              <td>{r.file}</td>
              <td>{t.statuses[r.status]}</td>
              <td class="num">{r.rows_read}</td>
              <td class="num">{r.rows_inserted}</td>
              <td class="num">{r.rows_updated}</td>
              <td class="num">{r.rows_unchanged}</td>
              <td class="num">{r.rows_rejected}</td>
              <td>
                {problemsOf(r.errors, locale).map((line) => (
                  <div key={line}>{line}</div>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function OutcomeSection({ result, t }: { result: ExchangeOutcome; t: ExchangePageText }) {
  return (
    <section id="exchange-result">
      <h2>{t.result}</h2>
      {result.error ? <Notice kind="error">{result.error}</Notice> : null}
      {result.reports.map((r) => (
        <Notice key={String(r.runId)} kind={r.status === 'succeeded' ? 'success' : 'error'}>
          {`${r.file}: ${t.statuses[r.status]} — ${t.rowsRead} ${r.rowsRead}, ${t.inserted} ${r.inserted}, ${t.updated} ${r.updated}, ${t.unchanged} ${r.unchanged}, ${t.rejectedRows} ${r.rejected}`}
          {r.problems.length ? (
            <ul>
              {r.problems.slice(0, 50).map((p) => (
                <li key={`${p.file}:${p.line}:${p.code}`}>{`${p.file}:${p.line} — ${p.message}`}</li>
              ))}
            </ul>
          ) : null}
        </Notice>
      ))}
      {result.exported !== undefined ? (
        <Notice kind="info">{`${t.exported}: ${result.exported}`}</Notice>
      ) : null}
    </section>
  );
}

function ExchangeForms({ t, csrfToken }: { t: ExchangePageText; csrfToken: string }) {
  return (
    <>
      <h2>{t.uploadTitle}</h2>
      <form method="post" action="/backoffice/exchange/upload" enctype="multipart/form-data" class="form">
        <input type="hidden" name="_csrf" value={csrfToken} />
        <div class="field">
          <label for="f-file">{t.file}</label>
          <input id="f-file" type="file" name="file" accept=".csv,text/csv" />
        </div>
        <button type="submit" class="primary">
          {t.uploadButton}
        </button>
      </form>
      <h2>{t.runTitle}</h2>
      <form method="post" action="/backoffice/exchange/run" class="form">
        <input type="hidden" name="_csrf" value={csrfToken} />
        <p class="hint">{t.runHint}</p>
        <button type="submit">{t.runButton}</button>
      </form>
    </>
  );
}

function MailReport({ rows, t }: { rows: MailReportRow[]; t: ExchangePageText }) {
  return (
    <>
      <h2>{t.mail}</h2>
      <p>
        <a href="/backoffice/mailings">{t.mailings}</a>
      </p>
      <p class="muted">{t.outbox}</p>
      {rows.length === 0 ? <p>{t.noMail}</p> : null}
      {rows.length ? (
        <div class="table-wrap">
          <table class="data" id="mail-report">
            <thead>
              <tr>
                <th>{t.month}</th>
                <th>{t.purpose}</th>
                <th>{t.status}</th>
                <th class="num">{t.count}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={`${r.month}-${r.purpose}-${r.status}`}>
                  <td>{r.month}</td>
                  <td>{r.purpose}</td>
                  <td>{r.status}</td>
                  <td class="num">{r.n}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}

/** The exchange page: the last upload's or run's outcome, the two forms, the runs and the mail report. */
export function ExchangePage(props: {
  ctx: PageContext;
  runs: RunRow[];
  mail: MailReportRow[];
  result?: ExchangeOutcome | undefined;
}) {
  const { ctx, runs } = props;
  const t = exchangePageText[ctx.locale];
  return (
    <BackofficeLayout ctx={ctx} title={t.title}>
      {props.result ? <OutcomeSection result={props.result} t={t} /> : null}
      <ExchangeForms t={t} csrfToken={ctx.csrfToken} />
      <h2>{t.runs}</h2>
      {runs.length === 0 ? <p>{t.empty}</p> : <RunsTable runs={runs} t={t} locale={ctx.locale} />}
      <MailReport rows={props.mail} t={t} />
    </BackofficeLayout>
  );
}
