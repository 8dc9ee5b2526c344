import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppDeps } from '../app-deps';
import type { Config } from '../config';
import { defineMessages, formatDateTime } from '../i18n/locales';
import { sendPage } from '../web/html';
import { Layout, Notice } from '../web/layout';
import { pageContext } from '../web/request-context';

const text = defineMessages({
  kk: {
    title: 'Әзірлеушінің пошта жәшігі',
    intro:
      'SMTP сервері бапталмаған (SMTP_URL бос), сондықтан порталдың барлық хаттары осында сақталады. Бұл бет тек осы компьютерден ашылады.',
    empty: 'Әзірге хат жоқ.',
    to: 'Кімге',
    subject: 'Тақырып',
    at: 'Уақыты',
    status: 'Күйі',
    back: 'Барлық хаттар',
  },
  ru: {
    title: 'Почтовый ящик разработчика',
    intro:
      'SMTP-сервер не настроен (SMTP_URL пуст), поэтому все письма портала хранятся здесь. Эта страница открывается только с этого компьютера.',
    empty: 'Писем пока нет.',
    to: 'Кому',
    subject: 'Тема',
    at: 'Время',
    status: 'Статус',
    back: 'Все письма',
  },
  en: {
    title: 'Developer mailbox',
    intro:
      'No SMTP server is configured (SMTP_URL is empty), so every message of the portal is kept here. This page opens only on this computer.',
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

/** The dev mailbox is registered only outside production and only while no SMTP server is set. */
export function devMailboxEnabled(config: Pick<Config, 'NODE_ENV' | 'SMTP_URL'>): boolean {
  return config.NODE_ENV !== 'production' && !config.SMTP_URL;
}

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6. */
export function isLoopback(address: string | undefined): boolean {
  const ip = (address ?? '').replace(/^::ffff:/i, '');
  return ip === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(ip);
}

/**
 * Whether the dev mailbox answers this request: it is enabled, and the request comes from this
 * computer — the socket's peer is a loopback address (never X-Forwarded-For, whatever TRUST_PROXY
 * says) and no proxy forwarded it (a local reverse proxy would make every visitor look local).
 * The demo listens on every interface (HOST=0.0.0.0), so other machines of the LAN get a 404.
 */
export function devMailboxServes(
  config: Pick<Config, 'NODE_ENV' | 'SMTP_URL'>,
  req: FastifyRequest,
): boolean {
  return (
    devMailboxEnabled(config) &&
    isLoopback(req.raw.socket?.remoteAddress) &&
    PROXY_HEADERS.every((name) => req.headers[name] === undefined)
  );
}

/**
 * Headers that reverse proxies and CDNs add to say whom they forward (nginx's X-Real-IP, Via,
 * Cloudflare's CF-Connecting-IP...): any of them means the browser is not on this computer. A proxy
 * that adds none cannot be told apart, so the demo must not be published behind one (README).
 */
const PROXY_HEADERS = [
  'x-forwarded-for',
  'forwarded',
  'x-real-ip',
  'x-forwarded-host',
  'x-forwarded-proto',
  'via',
  'x-client-ip',
  'true-client-ip',
  'cf-connecting-ip',
  'fastly-client-ip',
  'x-cluster-client-ip',
] as const;

/**
 * The dev mailbox: exists only in the demo/development without an SMTP server, for a browser on
 * the same computer, so a new user can finish registration and recovery. Messages shown here
 * count as delivered. Every message to anyone is listed, so nobody else may see it.
 */
export async function devMailboxRoutes(app: FastifyInstance, { db, config }: AppDeps) {
  if (!devMailboxEnabled(config)) return;

  app.get('/dev/mailbox', async (req, reply) => {
    if (!devMailboxServes(config, req)) return reply.callNotFound();
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
    if (!devMailboxServes(config, req)) return reply.callNotFound();
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
