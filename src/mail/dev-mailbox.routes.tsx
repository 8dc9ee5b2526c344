import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app';
import { defineMessages, formatDateTime } from '../i18n/locales';
import { sendPage } from '../web/html';
import { Layout, Notice } from '../web/layout';
import { pageContext } from '../web/request-context';

const text = defineMessages({
  kk: {
    title: 'Әзірлеушінің пошта жәшігі',
    intro: 'SMTP сервері бапталмаған (SMTP_URL бос), сондықтан порталдың барлық хаттары осында сақталады.',
    empty: 'Әзірге хат жоқ.',
    to: 'Кімге',
    subject: 'Тақырып',
    at: 'Уақыты',
    status: 'Күйі',
    back: 'Барлық хаттар',
  },
  ru: {
    title: 'Почтовый ящик разработчика',
    intro: 'SMTP-сервер не настроен (SMTP_URL пуст), поэтому все письма портала хранятся здесь.',
    empty: 'Писем пока нет.',
    to: 'Кому',
    subject: 'Тема',
    at: 'Время',
    status: 'Статус',
    back: 'Все письма',
  },
  en: {
    title: 'Developer mailbox',
    intro: 'No SMTP server is configured (SMTP_URL is empty), so every message of the portal is kept here.',
    empty: 'No messages yet.',
    to: 'To',
    subject: 'Subject',
    at: 'Time',
    status: 'Status',
    back: 'All messages',
  },
});

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

/**
 * The dev mailbox: exists only when no SMTP server is configured (the embedded demo), so a new
 * user can finish registration and recovery in the browser. Messages shown here count as delivered.
 */
export async function devMailboxRoutes(app: FastifyInstance, { db, config }: AppDeps) {
  if (config.SMTP_URL) return;

  app.get('/dev/mailbox', async (req, reply) => {
    const t = text[req.locale];
    const rows = await db
      .selectFrom('mail_outbox')
      .select(['id', 'to_address', 'subject', 'created_at', 'status'])
      .orderBy('id', 'desc')
      .limit(200)
      .execute();
    return sendPage(
      reply,
      <Layout ctx={pageContext(req, reply)} title={t.title}>
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
      </Layout>,
    );
  });

  app.get<{ Params: { id: string } }>('/dev/mailbox/:id', async (req, reply) => {
    const t = text[req.locale];
    const id = Number(req.params.id);
    const row = Number.isSafeInteger(id)
      ? await db.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirst()
      : undefined;
    if (!row) return reply.callNotFound();
    return sendPage(
      reply,
      <Layout ctx={pageContext(req, reply)} title={row.subject}>
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
      </Layout>,
    );
  });
}
