import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, testDatabase } from './helpers/db';

/**
 * OpenTelemetry tracing, end to end: the portal started as `npm start` starts it (with the
 * tracing module imported first), OTEL_EXPORTER_OTLP_ENDPOINT pointing at a small OTLP/HTTP
 * receiver in this test. A page request must arrive as a server span with Fastify's route
 * below it and, on PostgreSQL, the page's queries as spans of the same trace; the query
 * parameters (customer data) never appear. Without the setting, nothing is sent.
 */
const SERVER = process.env.TEST_DATABASE_URL;
const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Span {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: Record<string, unknown> }[];
}

let receiver: Server;
let receiverUrl: string;
const received: Span[] = [];
let requests = 0;
let handle: TestDatabase | undefined;
const children: ChildProcess[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests += 1;
      if (req.url === '/v1/traces') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        for (const rs of body.resourceSpans ?? [])
          for (const ss of rs.scopeSpans ?? []) received.push(...(ss.spans ?? []));
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  receiver.listen(0, '127.0.0.1');
  await new Promise((r) => receiver.once('listening', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  if (SERVER) handle = await testDatabase();
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await handle?.close();
  receiver.close();
});

/** Starts the portal as package.json's start script does, on `port`, and waits until it serves. */
async function startPortal(port: number, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--import', './src/ops/tracing.ts', 'src/main.ts'],
    {
      env: {
        ...process.env,
        ...(handle?.url ? { DATABASE_URL: handle.url } : { DATABASE_URL: '', DATA_DIR: 'memory://' }),
        PORT: String(port),
        HOST: '127.0.0.1',
        DEMO_DATA: 'no',
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        SMTP_URL: '',
        OTEL_BSP_SCHEDULE_DELAY: '100',
        ...env,
      },
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  let output = '';
  child.stdout?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  const start = Date.now();
  while (!output.includes('Portal ready')) {
    if (child.exitCode !== null) throw new Error(`portal exited:\n${output}`);
    if (Date.now() - start > 90_000) throw new Error(`portal did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return child;
}

async function stop(child: ChildProcess) {
  child.kill('SIGTERM');
  if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
}

const attr = (span: Span, key: string) => {
  const value = span.attributes.find((a) => a.key === key)?.value;
  return value ? Object.values(value)[0] : undefined;
};

describe('OpenTelemetry tracing', () => {
  it('sends nothing when no OTLP endpoint is set', async () => {
    const before = requests;
    const child = await startPortal(3131, { OTEL_EXPORTER_OTLP_ENDPOINT: '' });
    const page = await fetch('http://127.0.0.1:3131/notes');
    expect(page.status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    await stop(child);
    expect(requests).toBe(before);
  }, 120_000);

  it('exports a page request as a server span with its route and its queries', async () => {
    const child = await startPortal(3132, { OTEL_EXPORTER_OTLP_ENDPOINT: receiverUrl });
    const page = await fetch('http://127.0.0.1:3132/notes?secret-marker=1');
    expect(page.status).toBe(200);
    const health = await fetch('http://127.0.0.1:3132/health/ready');
    expect(health.status).toBe(200);
    const until = Date.now() + 20_000;
    const serverSpan = () =>
      received.find((s) => s.kind === 2 && String(attr(s, 'http.route') ?? s.name).includes('/notes'));
    while (!serverSpan() && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    await stop(child);

    const root = serverSpan();
    expect(root, `spans received: ${received.map((s) => s.name).join(', ')}`).toBeDefined();
    if (!root) return;
    const trace = received.filter((s) => s.traceId === root.traceId);
    const names = trace.map((s) => s.name);
    // Fastify's own spans (the request and the route handler) in the same trace.
    expect(names.some((n) => n.includes('handler'))).toBe(true);
    // Health and metrics polls stay out of the traces.
    expect(received.some((s) => String(attr(s, 'url.path') ?? '').startsWith('/health'))).toBe(false);
    if (SERVER) {
      const queries = trace.filter(
        (s) => attr(s, 'db.system') === 'postgresql' || attr(s, 'db.system.name') === 'postgresql',
      );
      expect(queries.length).toBeGreaterThan(0);
      expect(
        queries.every(
          (q) =>
            attr(q, 'db.statement') === undefined ||
            !String(attr(q, 'db.statement')).includes('secret-marker'),
        ),
      ).toBe(true);
    }
  }, 120_000);
});
