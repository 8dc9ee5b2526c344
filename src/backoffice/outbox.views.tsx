import { formatDateTime, type Locale } from '../i18n/locales';
import type { OutboxState, TroubledMail } from '../mail/outbox.queries';
import { Layout } from '../web/layout';
import type { PageContext } from '../web/request-context';
import { outboxText } from './outbox.messages';

type Text = (typeof outboxText)[Locale];

function statusLabel(t: Text, status: string): string {
  if (status === 'failed') return t.statusFailed;
  if (status === 'sending') return t.statusSending;
  return t.statusPending;
}

function TroubledTable({ t, rows }: { t: Text; rows: TroubledMail[] }) {
  return (
    <div class="table-wrap">
      <table class="data" id="outbox-troubled">
        <thead>
          <tr>
            <th scope="col" class="num">
              {t.id}
            </th>
            <th scope="col">{t.created}</th>
            <th scope="col">{t.to}</th>
            <th scope="col">{t.purpose}</th>
            <th scope="col">{t.status}</th>
            <th scope="col" class="num">
              {t.attempts}
            </th>
            <th scope="col">{t.nextAttempt}</th>
            <th scope="col">{t.lastError}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              <td class="num">{r.id}</td>
              <td>{formatDateTime(new Date(r.created_at))}</td>
              <td>{r.to_address}</td>
              <td>{r.purpose}</td>
              <td>{statusLabel(t, r.status)}</td>
              <td class="num">{r.attempts}</td>
              <td>{r.status === 'failed' ? '—' : formatDateTime(new Date(r.next_attempt_at))}</td>
              <td>{r.last_error ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The outbox for staff: how much waits, how much failed, and each message in trouble with its error. */
export function OutboxPage({
  ctx,
  state,
  troubled,
}: {
  ctx: PageContext;
  state: OutboxState;
  troubled: TroubledMail[];
}) {
  const t = outboxText[ctx.locale];
  return (
    <Layout ctx={ctx} title={t.title}>
      <p>{t.intro}</p>
      <dl class="facts" id="outbox-state">
        <div>
          <dt>{t.waiting}</dt>
          <dd>{state.waiting}</dd>
        </div>
        <div>
          <dt>{t.retrying}</dt>
          <dd>{state.retrying}</dd>
        </div>
        <div>
          <dt>{t.failed}</dt>
          <dd>{state.failed}</dd>
        </div>
        <div>
          <dt>{t.oldest}</dt>
          <dd>{state.oldestWaiting ? formatDateTime(state.oldestWaiting) : t.none}</dd>
        </div>
      </dl>
      <h2>{t.troubled}</h2>
      {troubled.length === 0 ? <p>{t.noTroubled}</p> : <TroubledTable t={t} rows={troubled} />}
      <p>
        <a href="/backoffice/mailings">{t.mailings}</a>
      </p>
    </Layout>
  );
}
