import { formatDateTime } from '../i18n/locales';
import { Layout, Notice } from '../web/layout';
import type { PageContext } from '../web/request-context';
import { devMailboxText } from './dev-mailbox.messages';
import type { MailboxMessage, MailboxRow } from './outbox.queries';

/** Plain text with its URLs turned into links (the text is escaped by preact). */
function LinkedText({ body }: { body: string }) {
  const parts = body.split(/(https?:\/\/[^\s<>"]+)/g);
  return (
    <pre class="mail-body">
      {parts.map((part, i) =>
        i % 2 === 1 ? (
          <a key={`${i}:${part}`} href={part}>
            {part}
          </a>
        ) : (
          part
        ),
      )}
    </pre>
  );
}

/** The dev mailbox: every message of the outbox, newest first. */
export function MailboxPage({ ctx, rows }: { ctx: PageContext; rows: MailboxRow[] }) {
  const t = devMailboxText[ctx.locale];
  return (
    <Layout ctx={ctx} title={t.title}>
      <Notice kind="info">{t.intro}</Notice>
      {rows.length === 0 ? (
        <p>{t.empty}</p>
      ) : (
        <div class="table-wrap">
          <table class="data mailbox">
            <thead>
              <tr>
                <th>{t.at}</th>
                <th>{t.to}</th>
                <th>{t.subject}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <td>{formatDateTime(r.created_at)}</td>
                  <td>{r.to_address}</td>
                  <td>
                    <a href={`/dev/mailbox/${r.id}`}>{r.subject}</a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}

/** One message of the dev mailbox, its links clickable. */
export function MailboxMessagePage({ ctx, row }: { ctx: PageContext; row: MailboxMessage }) {
  const t = devMailboxText[ctx.locale];
  return (
    <Layout ctx={ctx} title={row.subject}>
      <p>
        <a href="/dev/mailbox">← {t.back}</a>
      </p>
      <dl class="facts">
        <div>
          <dt>{t.to}</dt>
          <dd>{row.to_address}</dd>
        </div>
        <div>
          <dt>{t.at}</dt>
          <dd>{formatDateTime(row.created_at)}</dd>
        </div>
        <div>
          <dt>{t.status}</dt>
          <dd>{row.status}</dd>
        </div>
      </dl>
      <LinkedText body={row.text_body} />
    </Layout>
  );
}
