import { formatAddress } from '../accounts/accounts.queries';
import { formatDate, formatDateTime, formatPeriod, type Locale } from '../i18n/locales';
import { formatMeterReading } from '../money/litres';
import { formatTiyn } from '../money/tiyn';
import { waitMessage } from '../web/action-limit';
import { type Column, DataTable } from '../web/data-table';
import { Field, Form } from '../web/forms';
import { Notice } from '../web/layout';
import type { PageContext } from '../web/request-context';
import { accText } from './accounts.messages';
import type { AccountCard, AccountLookup, UserAction as Op } from './accounts.service';
import { BackofficeLayout } from './layout';

type Text = (typeof accText)[Locale];
type Hit = Extract<AccountLookup, { kind: 'hits' }>['hits'][number];

/** The account search: the query field, then the accounts found. */
export function AccountSearchPage({ ctx, q, found }: { ctx: PageContext; q: string; found: AccountLookup }) {
  const t = accText[ctx.locale];
  const hits = found.kind === 'hits' ? found.hits : [];
  const columns: Column<Hit>[] = [
    { head: t.number, cell: (h) => <a href={`/backoffice/accounts/${h.number}`}>{h.number}</a> },
    { head: t.owner, cell: (h) => h.ownerName },
    { head: t.address, cell: (h) => formatAddress(h) },
  ];
  return (
    <BackofficeLayout ctx={ctx} title={t.title}>
      <Form action="/backoffice/accounts" method="get" csrfToken="">
        <Field
          name="q"
          label={t.query}
          hint={t.queryHint}
          value={q}
          error={found.kind === 'tooShort' ? t.tooShort : undefined}
          maxLength={100}
        />
        <button type="submit" class="primary">
          {t.find}
        </button>
      </Form>
      {found.kind === 'hits' && hits.length === 0 ? <p>{t.noMatch}</p> : null}
      {hits.length ? <DataTable id="hits" columns={columns} rows={hits} rowKey={(h) => h.number} /> : null}
    </BackofficeLayout>
  );
}

/** What the card says after an action: `done` the action that succeeded, `err` why one did not. */
export interface CardNotices {
  done?: string | undefined;
  err?: string | undefined;
}

/** An account's card: what the customer sees, their cabinet users with the operator's actions. */
export function AccountCardPage({
  ctx,
  card,
  notices,
}: {
  ctx: PageContext;
  card: AccountCard;
  notices: CardNotices;
}) {
  const t = accText[ctx.locale];
  const { account } = card;
  return (
    <BackofficeLayout ctx={ctx} title={`${t.number} ${account.number}`}>
      <p>
        <a href="/backoffice/accounts">{t.back}</a>
      </p>
      <CardNoticeList t={t} locale={ctx.locale} notices={notices} />
      <p class="muted">{t.readOnly}</p>
      <dl class="facts" id="facts">
        {accountFacts(t, account).map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>

      <h2>{t.users}</h2>
      {card.users.length === 0 ? <p>{t.noUsers}</p> : null}
      {card.users.map((u) => (
        <CabinetUserCard key={u.id} t={t} csrf={ctx.csrfToken} number={account.number} user={u} />
      ))}

      <h2>{t.meters}</h2>
      <MetersTable t={t} meters={card.meters} />

      <h2>{t.readings}</h2>
      <ReadingsTable t={t} locale={ctx.locale} readings={card.readings} />

      <h2>{t.balances}</h2>
      <BalancesTable t={t} locale={ctx.locale} months={card.months} />
    </BackofficeLayout>
  );
}

function CardNoticeList({ t, locale, notices }: { t: Text; locale: Locale; notices: CardNotices }) {
  const done = notices.done as keyof Text['done'] | undefined;
  const err = notices.err;
  return (
    <>
      {done && t.done[done] ? <Notice kind="success">{t.done[done]}</Notice> : null}
      {err === 'email' ? <Notice kind="error">{t.noEmail}</Notice> : null}
      {err?.startsWith('wait-') ? (
        <Notice kind="error">{waitMessage(locale, Number(err.slice(5)) || 60)}</Notice>
      ) : null}
    </>
  );
}

function accountFacts(t: Text, account: AccountCard['account']): [string, string][] {
  const facts: [string, string][] = [
    [t.number, account.number],
    [t.owner, account.ownerName],
    [t.address, formatAddress(account)],
    [t.kind, account.kind === 'legal' ? t.legal : t.individual],
    [t.residents, String(account.residents)],
    [t.irrigation, account.irrigationAreaM2],
  ];
  if (account.kind === 'legal')
    facts.push([t.contract, account.contractNumber ?? ''], [t.binIin, account.binIin ?? '']);
  return facts;
}

function CabinetUserCard({
  t,
  csrf,
  number,
  user: u,
}: {
  t: Text;
  csrf: string;
  number: string;
  user: AccountCard['users'][number];
}) {
  const locked = u.locked_until && u.locked_until.getTime() > Date.now();
  const action = (op: Op, label: string) => (
    <UserActionButton csrf={csrf} number={number} userId={u.id} op={op} label={label} />
  );
  return (
    <section class="cards">
      <article>
        <dl class="facts">
          <div>
            <dt>{t.login}</dt>
            <dd>{u.login}</dd>
          </div>
          <div>
            <dt>{t.email}</dt>
            <dd>{u.email ?? ''}</dd>
          </div>
          <div>
            <dt>{t.confirmed}</dt>
            <dd>{u.email_confirmed_at ? formatDateTime(u.email_confirmed_at) : t.notConfirmed}</dd>
          </div>
          <div>
            <dt>{t.locked}</dt>
            <dd>{locked ? `${t.until} ${formatDateTime(u.locked_until)}` : t.no}</dd>
          </div>
          <div>
            <dt>{t.failed}</dt>
            <dd>{u.failed_logins}</dd>
          </div>
        </dl>
        <div class="actions">
          {u.email_confirmed_at ? null : action('resend', t.resend)}
          {locked || u.failed_logins > 0 ? action('unlock', t.unlock) : null}
          {action('reset', t.reset)}
        </div>
      </article>
    </section>
  );
}

function MetersTable({ t, meters }: { t: Text; meters: AccountCard['meters'] }) {
  const columns: Column<AccountCard['meters'][number]>[] = [
    { head: t.input, cell: (m) => m.inputNo },
    { head: t.location, cell: (m) => m.location },
    { head: t.water, cell: (m) => (m.water === 'cold' ? t.cold : t.hot) },
    {
      head: t.serial,
      cell: (m) => (
        <>
          {m.serial}
          {m.removedOn ? ` (${t.removed} ${formatDate(m.removedOn)})` : ''}
        </>
      ),
    },
    { head: t.verification, cell: (m) => formatDate(m.verificationDue) },
  ];
  return <DataTable columns={columns} rows={meters} rowKey={(m) => m.id} />;
}

function ReadingsTable({
  t,
  locale,
  readings,
}: {
  t: Text;
  locale: Locale;
  readings: AccountCard['readings'];
}) {
  const columns: Column<AccountCard['readings'][number]>[] = [
    { head: t.serial, cell: (r) => r.serial },
    { head: t.period, cell: (r) => formatPeriod(locale, r.period) },
    { head: t.readOn, cell: (r) => formatDate(r.readOn) },
    { head: t.value, num: true, cell: (r) => formatMeterReading(r.valueL) },
    { head: t.source, cell: (r) => r.source },
    {
      head: t.status,
      cell: (r) => (
        <>
          {t.statuses[r.status]}
          {r.reviewNote ? `: ${r.reviewNote}` : ''}
        </>
      ),
    },
    { head: t.submitted, cell: (r) => formatDateTime(r.submittedAt) },
  ];
  return <DataTable id="readings" columns={columns} rows={readings} rowKey={(r) => r.id} />;
}

function BalancesTable({ t, locale, months }: { t: Text; locale: Locale; months: AccountCard['months'] }) {
  const columns: Column<AccountCard['months'][number]>[] = [
    { head: t.period, cell: (m) => formatPeriod(locale, m.period) },
    { head: t.opening, num: true, cell: (m) => formatTiyn(m.opening_tiyn) },
    {
      head: t.charged,
      num: true,
      cell: (m) => formatTiyn(m.charged_tiyn + m.recalculation_tiyn + m.penalty_tiyn + m.other_tiyn),
    },
    { head: t.paid, num: true, cell: (m) => formatTiyn(m.paid_tiyn) },
    { head: t.closing, num: true, cell: (m) => formatTiyn(m.closing_tiyn) },
  ];
  return <DataTable id="balances" columns={columns} rows={months} rowKey={(m) => m.period} />;
}

function UserActionButton(props: { csrf: string; number: string; userId: number; op: Op; label: string }) {
  return (
    <form
      method="post"
      action={`/backoffice/accounts/${props.number}/users/${props.userId}/${props.op}`}
      class="inline"
    >
      <input type="hidden" name="_csrf" value={props.csrf} />
      <button type="submit" id={`user-${props.op}`}>
        {props.label}
      </button>
    </form>
  );
}
