import { formatAddress } from '../accounts/accounts.queries';
import { common } from '../i18n/common';
import { formatDate, formatPeriod, type Locale } from '../i18n/locales';
import { formatMeterReading } from '../money/litres';
import { formatTiyn } from '../money/tiyn';
import { parseReading } from '../readings/parse';
import { readingsText } from '../readings/readings.messages';
import { meterField, ReadingInput } from '../readings/readings.views';
import { Layout, Notice } from '../web/layout';
import type { PageContext } from '../web/request-context';
import { premisesText } from './premises.messages';
import type { PremisesAccount, PremisesMeter } from './premises.queries';
import type { ListQuery } from './premises-list';

export interface PremisesPageView {
  rows: PremisesAccount[];
  /** Accounts of the user in all (before the search). */
  accounts: number;
  total: number;
  page: number;
  pages: number;
  from: number;
  query: ListQuery;
  /** The open month, 'YYYY-MM-01'. */
  current: string;
}

const accountParam = (number: string) => `?account=${encodeURIComponent(number)}`;

/** The link of a page of the list with the same search and order. */
function listHref(q: ListQuery, page: number): string {
  const params = new URLSearchParams();
  if (q.find) params.set('find', q.find);
  if (q.sort !== 'number') params.set('sort', q.sort);
  if (page > 1) params.set('page', String(page));
  const s = params.toString();
  return s ? `/cabinet/premises?${s}` : '/cabinet/premises';
}

export function Balance({ locale, account }: { locale: Locale; account: PremisesAccount }) {
  const t = premisesText[locale];
  if (!account.balance) return <span class="muted">{t.noBalance}</span>;
  const tiyn = account.balance.closingTiyn;
  const word = tiyn > 0 ? t.owed : tiyn < 0 ? t.overpaid : t.settled;
  return (
    <span class={tiyn > 0 ? 'balance balance-owed' : 'balance'}>
      <span class="balance-word">{word}</span> <strong class="balance-sum">{formatTiyn(tiyn)}</strong>
      <span class="balance-of">{t.balanceOf(formatPeriod(locale, account.balance.period))}</span>
    </span>
  );
}

/** A meter's latest reading, its date and whether the open month has one. */
export function LastReading({
  locale,
  meter,
  current,
  named = true,
}: {
  locale: Locale;
  meter: PremisesMeter;
  current: string;
  /** Say which meter (water and serial) before the reading; the readings form has a column for it. */
  named?: boolean;
}) {
  const t = premisesText[locale];
  const r = readingsText[locale];
  const inThisMonth = meter.last?.period === current;
  return (
    <span class="last-reading">
      {named ? (
        <>
          <span class={`water water-${meter.water}`}>{meter.water === 'cold' ? r.cold : r.hot}</span>{' '}
          {meter.serial}:{' '}
        </>
      ) : null}
      {meter.last ? (
        <>
          <strong>{formatMeterReading(meter.last.valueL)}</strong> ({formatDate(meter.last.readOn)})
          {meter.last.flagged ? <span class="mark mark-soon">{t.flagged}</span> : null}
        </>
      ) : (
        <span class="muted">{t.noReading}</span>
      )}{' '}
      <span class={inThisMonth ? 'mark mark-in' : 'mark mark-missing'}>
        {inThisMonth ? t.thisMonthIn : t.thisMonthMissing}
      </span>
    </span>
  );
}

function ListControls({ locale, q }: { locale: Locale; q: ListQuery }) {
  const t = premisesText[locale];
  return (
    <form method="get" action="/cabinet/premises" class="premises-controls">
      <div class="field">
        <label for="f-find">{t.filterLabel}</label>
        <input id="f-find" name="find" type="search" value={q.find} maxLength={100} autocomplete="off" />
      </div>
      <div class="field">
        <label for="f-sort">{t.sortLabel}</label>
        <select id="f-sort" name="sort">
          <option value="number" selected={q.sort === 'number'}>
            {t.sortBy.number}
          </option>
          <option value="address" selected={q.sort === 'address'}>
            {t.sortBy.address}
          </option>
        </select>
      </div>
      <div class="actions">
        <button type="submit" class="primary">
          {t.filterButton}
        </button>
        {q.find || q.sort !== 'number' ? (
          <a class="button" href="/cabinet/premises">
            {t.filterClear}
          </a>
        ) : null}
      </div>
    </form>
  );
}

function Pager({ locale, view }: { locale: Locale; view: PremisesPageView }) {
  const t = premisesText[locale];
  if (view.pages <= 1) return null;
  return (
    <nav class="pager" aria-label={t.pages}>
      {view.page > 1 ? (
        <a class="pager-item" href={listHref(view.query, view.page - 1)} rel="prev">
          {t.previous}
        </a>
      ) : null}
      {Array.from({ length: view.pages }, (_, i) => i + 1).map((n) =>
        n === view.page ? (
          <strong key={n} class="pager-item" aria-current="page">
            {t.page(n)}
          </strong>
        ) : (
          <a key={n} class="pager-item" href={listHref(view.query, n)}>
            {t.page(n)}
          </a>
        ),
      )}
      {view.page < view.pages ? (
        <a class="pager-item" href={listHref(view.query, view.page + 1)} rel="next">
          {t.next}
        </a>
      ) : null}
    </nav>
  );
}

/** /cabinet/premises: every account of the user, with balance and last readings, searchable and paged. */
export function PremisesPage({ ctx, view }: { ctx: PageContext; view: PremisesPageView }) {
  const t = premisesText[ctx.locale];
  const to = view.from + view.rows.length - 1;
  return (
    <Layout ctx={ctx} title={t.title} cabinet>
      <p>{t.intro(view.accounts)}</p>
      <p class="actions">
        <a class="button primary" href="/cabinet/premises/readings">
          {t.bulkLink}
        </a>
      </p>
      <ListControls locale={ctx.locale} q={view.query} />
      {view.total === 0 ? (
        <Notice kind="info">{t.nothingFound}</Notice>
      ) : (
        <>
          <p class="muted" id="premises-shown">
            {t.shown(view.from, to, view.total)}
          </p>
          <table class="data stacked premises-table" aria-describedby="premises-shown">
            <thead>
              <tr>
                <th>{t.col.number}</th>
                <th>{t.col.address}</th>
                <th>{t.col.kind}</th>
                <th class="num">{t.col.balance}</th>
                <th>{t.col.meters}</th>
                <th>{t.col.links}</th>
              </tr>
            </thead>
            <tbody>
              {view.rows.map((a) => (
                <tr key={a.id}>
                  <td data-label={t.col.number}>
                    <strong>{a.number}</strong>
                  </td>
                  <td data-label={t.col.address}>{formatAddress(a)}</td>
                  <td data-label={t.col.kind}>{t.kind[a.kind]}</td>
                  <td data-label={t.col.balance} class="num">
                    <Balance locale={ctx.locale} account={a} />
                  </td>
                  <td data-label={t.col.meters} class="meters-cell">
                    {a.meters.length === 0 ? (
                      <span class="muted">{t.noMeters}</span>
                    ) : (
                      <ul class="plain">
                        {a.meters.map((m) => (
                          <li key={m.id}>
                            <LastReading locale={ctx.locale} meter={m} current={view.current} />
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td data-label={t.col.links}>
                    <ul class="plain links">
                      <li>
                        <a
                          href={`/cabinet/invoice${accountParam(a.number)}${a.balance ? `&period=${a.balance.period}` : ''}`}
                        >
                          {t.invoice}
                        </a>
                      </li>
                      <li>
                        <a href={`/cabinet/readings${accountParam(a.number)}`}>{t.readings}</a>
                      </li>
                      <li>
                        <a href={`/cabinet/settlement${accountParam(a.number)}`}>{t.settlement}</a>
                      </li>
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager locale={ctx.locale} view={view} />
        </>
      )}
    </Layout>
  );
}

/** What the bulk readings page says after a submission, per account. */
export interface BulkOutcomeView {
  stored: { accountNumber: string; address: string; count: number; replay: boolean }[];
  notStored: { accountNumber: string; address: string; why: 'invalid' | 'confirm' | 'closed' }[];
  foreign: boolean;
}

export interface BulkPageView {
  accounts: PremisesAccount[];
  current: string;
  typed: Record<number, string>;
  errors: Record<number, string>;
  /** Large consumption messages per meter, with the litres to confirm. */
  large: Record<number, { message: string; valueL: number }>;
  /** The large consumptions the customer confirmed in the form sent (litres per meter), kept ticked. */
  confirmed: Record<number, number>;
  idempotencyKey: string;
  periodOpen: boolean;
  notice: { kind: 'success' | 'info' | 'warning' | 'error'; text: string } | null;
  outcome: BulkOutcomeView | null;
}

function OutcomeLists({ locale, outcome }: { locale: Locale; outcome: BulkOutcomeView }) {
  const t = premisesText[locale].bulk;
  const c = common[locale].cabinet;
  return (
    <div class="bulk-outcome">
      {outcome.stored.length ? (
        <section aria-labelledby="bulk-stored">
          <h2 id="bulk-stored">{t.storedTitle}</h2>
          <ul class="outcome-list outcome-stored">
            {outcome.stored.map((s) => (
              <li key={s.accountNumber} class="outcome-item">
                {`${c.account} ${s.accountNumber}, ${s.address}: `}
                <strong>{s.replay ? t.storedAgain : t.stored(s.count)}</strong>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {outcome.notStored.length || outcome.foreign ? (
        <section aria-labelledby="bulk-not-stored">
          <h2 id="bulk-not-stored">{t.notStoredTitle}</h2>
          <ul class="outcome-list outcome-not-stored">
            {outcome.notStored.map((s) => (
              <li key={s.accountNumber} class="outcome-item">
                {`${c.account} ${s.accountNumber}, ${s.address}: `}
                <strong>{t[s.why]}</strong>
              </li>
            ))}
            {outcome.foreign ? <li class="outcome-item">{t.foreign}</li> : null}
          </ul>
        </section>
      ) : null}
    </div>
  );
}

/** The tick confirming a large consumption of one meter, for the litres it was asked about. */
function ConfirmBox(props: { locale: Locale; meterId: number; valueL: number; checked: boolean }) {
  return (
    <label class="check">
      <input
        type="checkbox"
        name={`confirm_${props.meterId}`}
        value={String(props.valueL)}
        checked={props.checked}
      />{' '}
      {premisesText[props.locale].bulk.confirmBox}
    </label>
  );
}

/** One meter's row of the bulk form. */
function BulkRow({
  ctx,
  view,
  account,
  meter,
}: {
  ctx: PageContext;
  view: BulkPageView;
  account: PremisesAccount;
  meter: PremisesMeter;
}) {
  const t = premisesText[ctx.locale].bulk;
  const r = readingsText[ctx.locale];
  const name = meterField(meter.id);
  const error = view.errors[meter.id];
  const large = view.large[meter.id];
  // A confirmation stays ticked while its field holds the value it confirmed (it counts only for it).
  const typed = parseReading(view.typed[meter.id] ?? '');
  const confirmedL = typed.ok && typed.litres === view.confirmed[meter.id] ? typed.litres : undefined;
  const described = [error ? `f-${name}-error` : '', large ? `f-${name}-large` : '']
    .filter(Boolean)
    .join(' ');
  return (
    <tr class={error ? 'has-error' : large ? 'needs-confirm' : undefined}>
      <td data-label={t.col.account}>{account.number}</td>
      <td data-label={t.col.address}>{formatAddress(account)}</td>
      <td data-label={t.col.meter}>
        <span class={`water water-${meter.water}`}>{meter.water === 'cold' ? r.cold : r.hot}</span>{' '}
        {meter.serial}
      </td>
      <td data-label={t.col.last}>
        <LastReading locale={ctx.locale} meter={meter} current={view.current} named={false} />
      </td>
      <td data-label={t.col.current} class={error ? 'reading-cell has-error' : 'reading-cell'}>
        <ReadingInput
          meterId={meter.id}
          label={`${t.col.current}: ${account.number}, ${meter.water === 'cold' ? r.coldLong : r.hotLong} ${meter.serial}`}
          value={view.typed[meter.id] ?? ''}
          disabled={!view.periodOpen}
          error={error}
          describedBy={described || 'bulk-hint'}
        />
        {large ? (
          <>
            <p class="warning" id={`f-${name}-large`}>
              {large.message}
            </p>
            <ConfirmBox
              locale={ctx.locale}
              meterId={meter.id}
              valueL={large.valueL}
              checked={confirmedL === large.valueL}
            />
          </>
        ) : confirmedL !== undefined ? (
          <ConfirmBox locale={ctx.locale} meterId={meter.id} valueL={confirmedL} checked />
        ) : null}
      </td>
    </tr>
  );
}

/** /cabinet/premises/readings: one form with a row per meter of every account of the user. */
export function BulkReadingsPage({ ctx, view }: { ctx: PageContext; view: BulkPageView }) {
  const t = premisesText[ctx.locale].bulk;
  const r = readingsText[ctx.locale];
  const metered = view.accounts.filter((a) => a.meters.length);
  return (
    <Layout ctx={ctx} title={t.title} cabinet>
      <p class="banner" role="note">
        {r.banner}
      </p>
      <div id="bulk-status" aria-live="assertive">
        {view.notice ? <Notice kind={view.notice.kind}>{view.notice.text}</Notice> : null}
        {view.outcome ? <OutcomeLists locale={ctx.locale} outcome={view.outcome} /> : null}
      </div>
      <p>{t.intro}</p>
      {metered.length === 0 ? (
        <Notice kind="info">{t.noMeters}</Notice>
      ) : (
        <form method="post" action="/cabinet/premises/readings" class="bulk-readings-form" noValidate>
          <input type="hidden" name="_csrf" value={ctx.csrfToken} />
          <input type="hidden" name="key" value={view.idempotencyKey} />
          <p class="period-line">
            {r.period}: <strong>{formatPeriod(ctx.locale, view.current.slice(0, 7))}</strong>
          </p>
          <table class="data stacked bulk-readings-table">
            <thead>
              <tr>
                <th>{t.col.account}</th>
                <th>{t.col.address}</th>
                <th>{t.col.meter}</th>
                <th>{t.col.last}</th>
                <th>{t.col.current}</th>
              </tr>
            </thead>
            <tbody>
              {metered.flatMap((a) =>
                a.meters.map((m) => <BulkRow key={m.id} ctx={ctx} view={view} account={a} meter={m} />),
              )}
            </tbody>
          </table>
          <p class="hint" id="bulk-hint">
            {r.formatHint}
          </p>
          <div class="actions">
            <button type="submit" class="primary" disabled={!view.periodOpen}>
              {t.submit}
            </button>
            <a class="button" href="/cabinet/premises">
              {t.back}
            </a>
          </div>
        </form>
      )}
    </Layout>
  );
}
