import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app';
import { loadConfig } from '../src/config';
import { type TestDatabase, testDatabase } from './helpers/db';

/**
 * /metrics (Prometheus text: requests per route pattern, latency buckets, the outbox from the
 * database), who may read it, and request ids (echoed, generated, shown on error pages).
 * docs/decisions/083-metrics-and-request-ids.md.
 */
const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const TOKEN = 'metrics-token-for-the-test-0123456789';
let h: TestDatabase;
let open: FastifyInstance; // no METRICS_TOKEN: loopback only
let guarded: FastifyInstance; // METRICS_TOKEN set

async function app(env: Record<string, string>) {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', SMTP_URL: '', ...env });
  const built = await buildApp({ db: h.db, config, engine: h.engine });
  // A route that fails as a bug would: only in this test's app, never in src/.
  built.get('/test-only/boom', async () => {
    throw new Error('a bug');
  });
  await built.ready();
  return built;
}

const scrape = async (target: FastifyInstance) => {
  const res = await target.inject({ method: 'GET', url: '/metrics' });
  expect(res.statusCode).toBe(200);
  return res.body;
};

/** The value of one series (exact name and labels as prom-client writes them), 0 when absent. */
function value(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

beforeAll(async () => {
  h = await testDatabase();
  // Outbox rows before the first scrape (the gauges are gathered at most every few seconds).
  for (const status of ['pending', 'pending', 'sending', 'sent', 'failed'] as const)
    await h.db
      .insertInto('mail_outbox')
      .values({ to_address: 'a@example.kz', subject: 's', text_body: 't', attachments: '[]', status })
      .execute();
  open = await app({});
  guarded = await app({ METRICS_TOKEN: TOKEN });
}, 120_000);

afterAll(async () => {
  await open?.close();
  await guarded?.close();
  await h?.close().catch(() => {});
});

describe(`metrics (${engine})`, () => {
  it('counts requests per route pattern, with latency buckets and the outbox from the database', async () => {
    const before = await scrape(open);
    const series = 'http_requests_total{method="GET",route="/",status_code="200"}';
    const home = await open.inject({ method: 'GET', url: '/' });
    expect(home.statusCode).toBe(200);
    await open.inject({ method: 'GET', url: '/' });
    await open.inject({ method: 'GET', url: '/lang/ru?next=/' });
    const after = await scrape(open);
    expect(value(after, series)).toBe(value(before, series) + 2);
    expect(after).toMatch(
      /^http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/"\} \d+$/m,
    );
    expect(after).toMatch(/^http_request_duration_seconds_bucket\{le="\+Inf",method="GET",route="\/"\} 2$/m);
    expect(after).toContain('http_request_duration_seconds_count{method="GET",route="/"} 2');
    // The pattern, never the raw URL: the number of series stays bounded.
    expect(after).toContain('route="/lang/:locale"');
    expect(after).not.toContain('/lang/ru');

    const rows = await h.db
      .selectFrom('mail_outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', 'in', ['pending', 'sending'])
      .executeTakeFirstOrThrow();
    expect(Number(rows.n)).toBe(3);
    expect(value(after, 'mail_outbox_messages{status="pending"}')).toBe(Number(rows.n));
    expect(value(after, 'mail_outbox_messages{status="failed"}')).toBe(1);
    expect(after).toContain('# TYPE readings_submissions_total counter');
    expect(after).toContain('# TYPE job_queue_waiting gauge');
    if (h.engine === 'postgres') expect(after).toMatch(/^db_pool_connections\{state="total"\} \d+$/m);
  });

  it('answers no client off this machine without the token: 404 without METRICS_TOKEN, 401 with it', async () => {
    const outside = { method: 'GET' as const, url: '/metrics', remoteAddress: '203.0.113.7' };
    const noToken = await open.inject(outside);
    expect(noToken.statusCode).toBe(404);
    expect(noToken.body).not.toContain('http_requests_total');
    // From loopback, but forwarded by a proxy on this machine: a public client, so no answer.
    const proxied = await open.inject({
      method: 'GET',
      url: '/metrics',
      headers: { 'x-forwarded-for': '203.0.113.7' },
    });
    expect(proxied.statusCode).toBe(404);

    const missing = await guarded.inject(outside);
    expect(missing.statusCode).toBe(401);
    expect(missing.body).not.toContain('http_requests_total');
    const wrong = await guarded.inject({ ...outside, headers: { authorization: `Bearer ${TOKEN}x` } });
    expect(wrong.statusCode).toBe(401);
    // With the token set, loopback needs it too.
    expect((await guarded.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    const right = await guarded.inject({ ...outside, headers: { authorization: `Bearer ${TOKEN}` } });
    expect(right.statusCode).toBe(200);
    expect(right.headers['content-type']).toContain('text/plain');
    expect(right.body).toContain('http_requests_total');
  });

  it('echoes a safe X-Request-Id, and makes one up for a missing or unsafe one', async () => {
    const given = await open.inject({
      method: 'GET',
      url: '/',
      headers: { 'x-request-id': 'lb-7f3a9c21e4' },
    });
    expect(given.headers['x-request-id']).toBe('lb-7f3a9c21e4');

    const made = await open.inject({ method: 'GET', url: '/' });
    const made2 = await open.inject({ method: 'GET', url: '/' });
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(made2.headers['x-request-id']).not.toBe(made.headers['x-request-id']);

    for (const unsafe of ['<script>alert(1)</script>', 'a b c d e f g h', 'x'.repeat(65), 'short']) {
      const res = await open.inject({ method: 'GET', url: '/', headers: { 'x-request-id': unsafe } });
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('a failed request shows its id on the error page, in kk, ru and en', async () => {
    const labels = { kk: 'Қате нөмірі', ru: 'Номер ошибки', en: 'Error id' };
    for (const [lang, label] of Object.entries(labels)) {
      const res = await open.inject({
        method: 'GET',
        url: '/test-only/boom',
        headers: { 'x-request-id': `support-${lang}-12345`, cookie: `lang=${lang}` },
      });
      expect(res.statusCode).toBe(500);
      expect(res.headers['x-request-id']).toBe(`support-${lang}-12345`);
      expect(res.body).toContain(`${label}: <code>support-${lang}-12345</code>`);
      expect(res.body).not.toContain('a bug');
    }
    const made = await open.inject({ method: 'GET', url: '/test-only/boom' });
    expect(made.body).toContain(`<code>${made.headers['x-request-id']}</code>`);
  });
});
