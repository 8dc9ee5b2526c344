import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Counter, Histogram, Registry } from 'prom-client';

/**
 * Process-wide series that use cases count into (readings accepted and refused, …). Kept apart from
 * each app's own registry (HTTP and database series), so building more than one app in a process
 * (tests) registers nothing twice. docs/decisions/083-metrics-and-request-ids.md.
 */
export const sharedMetrics = new Registry();

/** A request id taken from the client's X-Request-Id: a short token of safe characters only. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{8,64}$/;

/** Fastify's genReqId: the client's (or proxy's) X-Request-Id when it is safe, a new UUID otherwise. */
export function requestIdFor(req: { headers: Record<string, string | string[] | undefined> }): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
}

/** Echoes the request id, so a client or a proxy log can quote it. */
export function installRequestIds(app: FastifyInstance) {
  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
}

export interface MetricsOptions {
  /** Bearer token that /metrics asks for; without one, only loopback clients get an answer. */
  token: string | undefined;
  /** Series that are gathered on scrape (the database-backed gauges), registered by the caller. */
  registry: Registry;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/**
 * Who may read /metrics: with METRICS_TOKEN set, whoever sends it as `Authorization: Bearer`
 * (else 401); without it, only a client on this machine — the socket's peer and the client the
 * proxy settings see are loopback, and no proxy forwarded the request — else 404 (as if absent).
 */
export function metricsAccess(req: FastifyRequest, token: string | undefined): 'ok' | 401 | 404 {
  if (token) {
    const header = req.headers.authorization ?? '';
    const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7).trim() : '');
    const wanted = Buffer.from(token);
    return given.length === wanted.length && timingSafeEqual(given, wanted) ? 'ok' : 401;
  }
  const forwarded = req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined;
  const peer = req.socket.remoteAddress ?? '';
  return !forwarded && LOOPBACK.test(peer) && LOOPBACK.test(req.ip) ? 'ok' : 404;
}

/**
 * Request counts and latency per route pattern (`/cabinet/invoice/:x`, never the raw URL, so the
 * number of series stays bounded; requests no route matched count as `unmatched`), and the
 * /metrics route itself.
 */
export function installMetrics(app: FastifyInstance, options: MetricsOptions) {
  const { registry } = options;
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method and route pattern.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    if (route === '/metrics') return;
    const labels = { method: req.method, route };
    requests.inc({ ...labels, status_code: String(reply.statusCode) });
    duration.observe(labels, reply.elapsedTime / 1000);
  });

  app.get('/metrics', async (req, reply) => {
    const access = metricsAccess(req, options.token);
    if (access === 401) {
      reply.header('www-authenticate', 'Bearer');
      return reply.code(401).type('text/plain').send('unauthorized\n');
    }
    if (access === 404) return reply.code(404).type('text/plain').send('not found\n');
    const text = `${await registry.metrics()}\n${await sharedMetrics.metrics()}`;
    return reply.header('cache-control', 'no-store').type(registry.contentType).send(text);
  });
}
