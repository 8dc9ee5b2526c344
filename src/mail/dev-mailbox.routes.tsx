import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppDeps } from '../app-deps';
import type { Config } from '../config';
import { sendPage } from '../web/html';
import { pageContext } from '../web/request-context';
import { idParams, withSchemas } from '../web/request-schemas';
import { MailboxMessagePage, MailboxPage } from './dev-mailbox.views';
import { mailboxMessage, mailboxMessages } from './outbox.queries';

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
export async function devMailboxRoutes(instance: FastifyInstance, { db, config }: AppDeps) {
  const app = withSchemas(instance);
  if (!devMailboxEnabled(config)) return;

  app.get('/dev/mailbox', async (req, reply) => {
    if (!devMailboxServes(config, req)) return reply.callNotFound();
    return sendPage(reply, <MailboxPage ctx={pageContext(req, reply)} rows={await mailboxMessages(db)} />);
  });

  app.get('/dev/mailbox/:id', { schema: { params: idParams } }, async (req, reply) => {
    if (!devMailboxServes(config, req)) return reply.callNotFound();
    const id = Number(req.params.id);
    const row = Number.isSafeInteger(id) ? await mailboxMessage(db, id) : undefined;
    if (!row) return reply.callNotFound();
    return sendPage(reply, <MailboxMessagePage ctx={pageContext(req, reply)} row={row} />);
  });
}
