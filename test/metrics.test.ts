import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app';
import { monthStart, periodOf } from '../src/calendar/calendar';
import { loadConfig } from '../src/config';
import { startJobQueue } from '../src/jobs/queue';
import { formatMeterReading } from '../src/money/litres';
import { meterStates } from '../src/readings/readings.queries';
import { submitReadings } from '../src/readings/submit-readings.service';
import { demoDatabase, type TestDatabase } from './helpers/db';

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
const EXCHANGED = new Date('2026-03-02T03:04:05Z');

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
  h = await demoDatabase({ accounts: 3, months: 2 });
  // Outbox rows, a finished exchange and waiting jobs before the first scrape (the database
  // gauges are gathered at most every few seconds).
  for (const status of ['pending', 'pending', 'sending', 'sent', 'failed'] as const)
    await h.db
      .insertInto('mail_outbox')
      .values({ to_address: 'a@example.kz', subject: 's', text_body: 't', attachments: '[]', status })
      .execute();
  await h.db
    .insertInto('exchange_runs')
    .values({ kind: 'import', file: 'in.csv', status: 'succeeded', finished_at: EXCHANGED, errors: '[]' })
    .execute();
  const boss = await startJobQueue(h.db);
  await boss.createQueue('metrics-test');
  for (let i = 0; i < 3; i++) await boss.send('metrics-test', { i });
  await boss.stop({ wait: true, graceful: false });
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
    expect(Number(rows.n)).toBeGreaterThanOrEqual(3);
    expect(value(after, 'mail_outbox_messages{status="pending"}')).toBe(Number(rows.n));
    const failed = await h.db
      .selectFrom('mail_outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'failed')
      .executeTakeFirstOrThrow();
    expect(value(after, 'mail_outbox_messages{status="failed"}')).toBe(Number(failed.n));
    expect(value(after, 'exchange_last_success_timestamp_seconds{kind="import"}')).toBe(
      EXCHANGED.getTime() / 1000,
    );
    expect(value(after, 'job_queue_waiting{name="metrics-test"}')).toBe(3);
    expect(value(after, 'job_queue_oldest_age_seconds{name="metrics-test"}')).toBeGreaterThanOrEqual(0);
    expect(after).toMatch(/^job_queue_oldest_age_seconds\{name="metrics-test"\} [\d.e+-]+$/m);
    if (h.engine === 'postgres') expect(after).toMatch(/^db_pool_connections\{state="total"\} \d+$/m);
  });

  it('counts readings the use case accepted and refused', async () => {
    const series = {
      accepted: 'readings_submissions_total{result="accepted",reason=""}',
      nothing: 'readings_submissions_total{result="refused",reason="nothing"}',
      noAccount: 'readings_submissions_total{result="refused",reason="noAccount"}',
    };
    const before = await scrape(open);
    const user = await h.db
      .selectFrom('users')
      .select('id')
      .where('login', '=', '02015213')
      .executeTakeFirstOrThrow();
    const account = await h.db
      .selectFrom('accounts')
      .select('id')
      .where('number', '=', '02015213')
      .executeTakeFirstOrThrow();
    const now = new Date();
    const period = monthStart(periodOf(now));
    await h.db.deleteFrom('readings').where('period', '=', period).execute();
    const typed: Record<number, string> = {};
    for (const meter of await meterStates(h.db, account.id, period))
      typed[meter.id] = formatMeterReading((meter.prevValueL ?? 0) + 1000);
    const request = (values: Record<number, string>, key: string, accountNumber = '02015213') => ({
      userId: user.id,
      accountNumber,
      typed: values,
      idempotencyKey: key,
      confirmPartial: true,
      confirmLarge: true,
      confirmThresholdM3: 1000,
      maxPerMonth: 20,
      now,
    });
    expect((await submitReadings(h.db, request(typed, 'metrics-accepted-1'))).kind).toBe('accepted');
    expect((await submitReadings(h.db, request({}, 'metrics-nothing-1'))).kind).toBe('nothing');
    expect((await submitReadings(h.db, request(typed, 'metrics-other-1', '01003317'))).kind).toBe(
      'noAccount',
    );
    const after = await scrape(open);
    expect(value(after, series.accepted)).toBe(value(before, series.accepted) + 1);
    expect(value(after, series.nothing)).toBe(value(before, series.nothing) + 1);
    expect(value(after, series.noAccount)).toBe(value(before, series.noAccount) + 1);
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
