import { type AccountView, formatAddress } from '../accounts/accounts.queries';
import { periodOfDay, readPeriod } from '../calendar/calendar';
import type { Water } from '../db/schema';
import { common } from '../i18n/common';
import { formatDate, formatDateTime, formatPeriod, type Locale } from '../i18n/locales';
import { formatM3, formatMeterReading } from '../money/litres';
import { ScrollBox } from '../web/data-table';
import { Layout, Notice } from '../web/layout';
import type { PageContext } from '../web/request-context';
import { countingReadingIds } from './history-csv';
import { meterLocationText, readingsText } from './readings.messages';
import type { MeterState, StoredReading } from './readings.queries';
import type { FieldProblem, LargeConsumption } from './submit-readings.service';
import { verificationState } from './verification';

export const READINGS_SCRIPT = '/static/readings.js';

/** The form field of a meter's current reading. */
export const meterField = (meterId: number) => `m_${meterId}`;

/** Why a consumption asks for confirmation: above the meter's usual month, or above a limit. */
export function largeMessage(locale: Locale, l: LargeConsumption): string {
  const t = readingsText[locale].confirm;
  return l.usual
    ? t.largeUsual(l.serial, formatM3(l.consumptionL), formatM3(l.usual.medianL), l.usual.months)
    : t.large(l.serial, formatM3(l.consumptionL), formatM3(l.limitL).replace(/\.000$/, ''));
}

export function problemMessage(locale: Locale, p: FieldProblem): string {
  const t = readingsText[locale].problem;
  if (p.problem === 'lower') return t.lower(formatMeterReading(p.previousL));
  if (p.problem === 'unknownMeter') return common[locale].errors.notFound;
  if (p.problem === 'tooMany') return t.tooMany(p.max);
  return t[p.problem];
}

/**
 * The input of a meter's reading in a table cell (the readings page, the readings of all accounts):
 * its label for screen readers, the field, and the error under it. `dataMeter` names the meter for
 * the page's script.
 */
export function ReadingInput(props: {
  meterId: number;
  label: string;
  value: string;
  dataMeter?: boolean;
  disabled: boolean;
  error: string | undefined;
  describedBy: string;
}) {
  const name = meterField(props.meterId);
  const { error } = props;
  return (
    <>
      <label class="visually-hidden" for={`f-${name}`}>
        {props.label}
      </label>
      <input
        id={`f-${name}`}
        name={name}
        type="text"
        inputMode="decimal"
        autocomplete="off"
        maxLength={20}
        placeholder="00000.000"
        value={props.value}
        data-meter={props.dataMeter ? String(props.meterId) : undefined}
        disabled={props.disabled}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={props.describedBy}
      />
      {error ? (
        <p class="error" id={`f-${name}-error`}>
          {error}
        </p>
      ) : null}
    </>
  );
}

export interface ReadingsPageView {
  account: AccountView;
  accountQuery: string;
  meters: MeterState[];
  typed: Record<number, string>;
  errors: Record<number, string>;
  notice: { kind: 'success' | 'info' | 'warning' | 'error'; text: string[] } | null;
  idempotencyKey: string;
  period: string;
  periodOpen: boolean;
  today: string;
  dataAsOf: Date | null;
  chartSvg: string | null;
}

function AccountHeader({ locale, account }: { locale: Locale; account: AccountView }) {
  const c = common[locale].cabinet;
  return (
    <dl class="facts">
      <div>
        <dt>{c.account}</dt>
        <dd>{account.number}</dd>
      </div>
      <div>
        <dt>{c.address}</dt>
        <dd>{formatAddress(account)}</dd>
      </div>
    </dl>
  );
}

export function ReadingsPage({ ctx, view }: { ctx: PageContext; view: ReadingsPageView }) {
  const t = readingsText[ctx.locale];
  const errorCount = Object.keys(view.errors).length;
  const warnings = view.meters
    .map((m) => ({ m, v: verificationState(m.verificationDue, view.today) }))
    .filter((x) => x.v.kind === 'overdue' || x.v.kind === 'soon');
  return (
    <Layout ctx={ctx} title={t.title} cabinet scripts={[READINGS_SCRIPT]}>
      <p class="banner" role="note">
        {t.banner}
      </p>
      <AccountHeader locale={ctx.locale} account={view.account} />
      <div id="readings-status" aria-live="assertive">
        {view.notice ? (
          <Notice kind={view.notice.kind}>
            {view.notice.text.map((line) => (
              <p key={line}>{line}</p>
            ))}
          </Notice>
        ) : null}
      </div>
      {warnings.map(({ m, v }) => (
        <Notice key={m.id} kind={v.kind === 'overdue' ? 'error' : 'warning'}>
          {v.kind === 'overdue'
            ? t.verification.overdue(m.serial, formatDate(v.due))
            : v.kind === 'soon'
              ? t.verification.soon(m.serial, formatDate(v.due), v.daysLeft)
              : null}
        </Notice>
      ))}
      {view.meters.length === 0 ? (
        <Notice kind="info">{t.noMeters}</Notice>
      ) : (
        <form
          method="post"
          action={`/cabinet/readings${view.accountQuery}`}
          class="readings-form"
          noValidate
          data-partial={t.confirm.partial('{filled}', '{total}')}
          data-ok={t.confirm.ok}
          data-cancel={t.confirm.cancel}
          data-title={t.confirm.title}
          data-connection-error={t.connectionError}
        >
          <input type="hidden" name="_csrf" value={ctx.csrfToken} />
          <input type="hidden" name="key" value={view.idempotencyKey} />
          <p class="period-line">
            {t.period}: <strong>{formatPeriodLabel(ctx.locale, view.period)}</strong>
          </p>
          {errorCount ? <Notice kind="error">{t.fixErrors}</Notice> : null}
          <ScrollBox class="table-wrap">
            <table class="data readings-table">
              <thead>
                <tr>
                  <th>{t.col.input}</th>
                  <th>{t.col.location}</th>
                  <th>{t.col.water}</th>
                  <th>{t.col.serial}</th>
                  <th>{t.col.verification}</th>
                  <th>{t.col.prevDate}</th>
                  <th>{t.col.prevSource}</th>
                  <th class="num">{t.col.prevValue}</th>
                  <th>{t.col.current}</th>
                  <th>{t.col.currentSource}</th>
                </tr>
              </thead>
              <tbody>
                {view.meters.map((m) => {
                  const v = verificationState(m.verificationDue, view.today);
                  const name = meterField(m.id);
                  const error = view.errors[m.id];
                  const typed =
                    view.typed[m.id] ?? (m.curValueL !== null ? formatMeterReading(m.curValueL) : '');
                  return (
                    <tr
                      key={m.id}
                      class={v.kind === 'overdue' ? 'overdue' : v.kind === 'soon' ? 'due-soon' : undefined}
                    >
                      <td data-label={t.col.input}>{m.inputNo}</td>
                      <td data-label={t.col.location}>{meterLocationText(ctx.locale, m.location)}</td>
                      <td data-label={t.col.water}>
                        <span class={`water water-${m.water}`}>{m.water === 'cold' ? t.cold : t.hot}</span>
                      </td>
                      <td data-label={t.col.serial}>{m.serial}</td>
                      <td data-label={t.col.verification}>
                        {formatDate(m.verificationDue)}
                        {v.kind === 'overdue' ? (
                          <span class="mark mark-overdue">{t.verification.overdueMark}</span>
                        ) : v.kind === 'soon' ? (
                          <span class="mark mark-soon">{t.verification.soonMark}</span>
                        ) : null}
                      </td>
                      <td data-label={t.col.prevDate}>{formatDate(m.prevReadOn)}</td>
                      <td data-label={t.col.prevSource}>{m.prevSource ? t.source[m.prevSource] : ''}</td>
                      <td data-label={t.col.prevValue} class="num">
                        {m.prevValueL !== null ? formatMeterReading(m.prevValueL) : ''}
                      </td>
                      <td
                        data-label={t.col.current}
                        class={error ? 'reading-cell has-error' : 'reading-cell'}
                      >
                        <ReadingInput
                          meterId={m.id}
                          label={`${t.col.current}: ${m.water === 'cold' ? t.coldLong : t.hotLong} ${m.serial}`}
                          value={typed}
                          dataMeter
                          disabled={!view.periodOpen}
                          error={error}
                          describedBy={error ? `f-${name}-error` : 'readings-hint'}
                        />
                      </td>
                      <td data-label={t.col.currentSource}>
                        {m.curSource ? t.source[m.curSource] : ''}
                        {m.curStatus === 'flagged' ? (
                          <span class="mark mark-soon">{t.status.flagged}</span>
                        ) : null}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </ScrollBox>
          <p class="hint" id="readings-hint">
            {t.formatHint}
          </p>
          <div class="actions">
            <button type="submit" class="primary" disabled={!view.periodOpen}>
              {t.submit}
            </button>
            <a class="button" href={`/cabinet/readings/history${view.accountQuery}`}>
              {t.history.link}
            </a>
          </div>
        </form>
      )}
      <p class="data-as-of">
        {t.dataAsOf}: {view.dataAsOf ? formatDateTime(view.dataAsOf) : t.dataAsOfUnknown}
      </p>
      {view.chartSvg ? (
        <figure class="chart-box">
          <ScrollBox class="chart-scroll" html={view.chartSvg} />
        </figure>
      ) : null}
    </Layout>
  );
}

/** A month's name, for a month 'YYYY-MM' or any day of it (a stored 'YYYY-MM-01'). */
export function formatPeriodLabel(locale: Locale, monthOrDay: string): string {
  return formatPeriod(locale, readPeriod(monthOrDay) ?? periodOfDay(monthOrDay));
}

const periodName = formatPeriodLabel;

export interface ConfirmView {
  account: AccountView;
  accountQuery: string;
  meters: MeterState[];
  typed: Record<number, string>;
  values: Record<number, number>;
  partial: { filled: number; total: number } | null;
  large: LargeConsumption[];
  idempotencyKey: string;
  /** Said above the list: the confirmation was sent too often and must wait (nothing was checked). */
  notice?: string | undefined;
}

/** The confirmation step of a partial or unusually large submission; works without JavaScript. */
export function ConfirmPage({ ctx, view }: { ctx: PageContext; view: ConfirmView }) {
  const t = readingsText[ctx.locale];
  return (
    <Layout ctx={ctx} title={t.confirm.title} cabinet scripts={[READINGS_SCRIPT]}>
      <AccountHeader locale={ctx.locale} account={view.account} />
      <div id="readings-status" aria-live="assertive">
        {view.notice ? <Notice kind="error">{view.notice}</Notice> : null}
      </div>
      {view.partial ? (
        <Notice kind="warning">{t.confirm.partial(view.partial.filled, view.partial.total)}</Notice>
      ) : null}
      {view.large.map((l) => (
        <Notice key={l.meterId} kind="warning">
          {largeMessage(ctx.locale, l)}
        </Notice>
      ))}
      <p>{t.confirm.willSubmit}</p>
      <ul class="confirm-list">
        {view.meters
          .filter((m) => view.values[m.id] !== undefined)
          .map((m) => (
            <li key={m.id}>
              {`${m.water === 'cold' ? t.coldLong : t.hotLong}, ${m.serial}: `}
              <strong>{formatMeterReading(view.values[m.id]!)}</strong>
            </li>
          ))}
      </ul>
      <form
        method="post"
        action={`/cabinet/readings${view.accountQuery}`}
        class="readings-form"
        noValidate
        data-connection-error={t.connectionError}
      >
        <input type="hidden" name="_csrf" value={ctx.csrfToken} />
        <input type="hidden" name="key" value={view.idempotencyKey} />
        <input type="hidden" name="confirm_partial" value="1" />
        <input type="hidden" name="confirm_large" value="1" />
        {view.meters.map((m) => (
          <input
            key={m.id}
            type="hidden"
            name={meterField(m.id)}
            value={view.typed[m.id] ?? ''}
            data-meter={String(m.id)}
          />
        ))}
        <div class="actions">
          <button type="submit" class="primary" name="action" value="confirm">
            {t.confirm.ok}
          </button>
          <button type="submit" name="action" value="cancel">
            {t.confirm.cancel}
          </button>
        </div>
      </form>
    </Layout>
  );
}

export interface HistoryView {
  account: AccountView;
  accountQuery: string;
  meters: { id: number; water: Water; serial: string; location: string }[];
  readings: StoredReading[];
  chartSvg: string;
  from: string;
  to: string;
}

export function HistoryPage({ ctx, view }: { ctx: PageContext; view: HistoryView }) {
  const t = readingsText[ctx.locale];
  return (
    <Layout ctx={ctx} title={t.history.title} cabinet>
      <AccountHeader locale={ctx.locale} account={view.account} />
      <figure class="chart-box">
        <ScrollBox class="chart-scroll" html={view.chartSvg} />
        <figcaption>
          {t.history.chartCaption(periodName(ctx.locale, view.from), periodName(ctx.locale, view.to))}
        </figcaption>
      </figure>
      {view.meters.map((m) => {
        const rows = view.readings.filter((r) => r.meterId === m.id);
        const counting = countingReadingIds(rows);
        return (
          <section key={m.id} class="meter-history">
            <h2>{t.history.meter(m.water === 'cold' ? t.coldLong : t.hotLong, m.serial)}</h2>
            {rows.length === 0 ? (
              <p>{t.history.noData}</p>
            ) : (
              <ScrollBox class="table-wrap">
                <table class="data history-table">
                  <thead>
                    <tr>
                      <th>{t.history.periodCol}</th>
                      <th>{t.history.date}</th>
                      <th class="num">{t.history.value}</th>
                      <th>{t.history.sourceCol}</th>
                      <th>{t.history.statusCol}</th>
                      <th>{t.history.submittedAt}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((r) => (
                      <tr key={r.id} class={counting.has(r.id) ? undefined : 'superseded'}>
                        <td data-label={t.history.periodCol}>{periodName(ctx.locale, r.period)}</td>
                        <td data-label={t.history.date}>{formatDate(r.readOn)}</td>
                        <td class="num" data-label={t.history.value}>
                          {formatMeterReading(r.valueL)}
                        </td>
                        <td data-label={t.history.sourceCol}>{t.source[r.source]}</td>
                        <td data-label={t.history.statusCol}>
                          {t.status[r.status]}
                          {!counting.has(r.id) && r.status !== 'rejected' ? ` (${t.history.notCounted})` : ''}
                        </td>
                        <td data-label={t.history.submittedAt}>{formatDateTime(r.submittedAt)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </ScrollBox>
            )}
          </section>
        );
      })}
      <p class="actions">
        <a class="button" href={`/cabinet/readings${view.accountQuery}`}>
          {t.history.back}
        </a>
        <a class="button" href={`/cabinet/readings/history.csv${view.accountQuery}`} download>
          {t.history.downloadCsv}
        </a>
      </p>
    </Layout>
  );
}
