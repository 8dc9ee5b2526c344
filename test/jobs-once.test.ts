import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../src/demo/demo-catalogue';
import { EXCHANGE_QUEUE } from '../src/exchange/exchange.job';
import { LOCK } from '../src/jobs/locks';
import { type JobQueue, startJobQueue } from '../src/jobs/queue';
import { textOf } from './helpers/app';
import { type AppProcess, startAppProcess, until } from './helpers/app-process';
import { demoDatabase, type TestDatabase } from './helpers/db';

/**
 * Two real app processes (`tsx src/main.ts`) on one PostgreSQL database: the weekly exchange's
 * slot, a manual run started on both, a process killed with SIGKILL in the middle of a run, and
 * a SIGTERM while a request is in flight. The embedded PGlite database lives inside one process,
 * so this runs only against a PostgreSQL server (TEST_DATABASE_URL).
 */
const SERVER = process.env.TEST_DATABASE_URL;
if (!SERVER)
  console.log(
    'test/jobs-once.test.ts skipped: two app processes need a PostgreSQL server (set TEST_DATABASE_URL).',
  );

const PORTS = [3107, 3108] as const;
let handle: TestDatabase;
let dir: string;
let boss: JobQueue;
/** Holds the export's claim lock: a run that reaches its export waits there, visibly "running". */
let blocker: pg.Client;
const apps: App[] = [];

type App = AppProcess;

function startApp(port: number): Promise<App> {
  const env = { DATABASE_URL: handle.url ?? '', EXCHANGE_DIR: dir, LOG_LEVEL: 'warn', SMTP_URL: '' };
  return startAppProcess(port, env, (app) => apps.push(app));
}

/** A browser over real HTTP: keeps cookies and the page's CSRF token. */
class Client {
  cookies = new Map<string, string>();
  csrf = '';
  constructor(readonly port: number) {}

  async request(method: 'GET' | 'POST', path: string, form?: Record<string, string>) {
    const res = await fetch(`http://127.0.0.1:${this.port}${path}`, {
      method,
      redirect: 'manual',
      headers: {
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(form ? { body: new URLSearchParams({ _csrf: this.csrf, ...form }).toString() } : {}),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [name, ...value] = (pair ?? '').split('=');
      if (name) this.cookies.set(name.trim(), value.join('='));
    }
    const body = await res.text();
    const match = /name="_csrf" value="([^"]+)"/.exec(body);
    if (match?.[1]) this.csrf = match[1];
    return { status: res.status, body, text: textOf(body) };
  }

  async loginAsOperator(locale: 'kk' | 'ru' | 'en') {
    await this.request('GET', `/lang/${locale}`);
    await this.request('GET', '/');
    const res = await this.request('POST', '/login', { login: 'operator', password: DEMO_PASSWORD });
    expect(res.status).toBe(303);
    await this.request('GET', '/backoffice/exchange');
  }

  runExchange() {
    return this.request('POST', '/backoffice/exchange/run', {});
  }
}

async function runs(kind: 'import' | 'export', file?: string) {
  let q = handle.db
    .selectFrom('exchange_runs')
    .select(['id', 'status', 'errors'])
    .where('kind', '=', kind)
    .orderBy('id');
  if (file) q = q.where('file', '=', file);
  return q.execute();
}

const runningExport = async () => (await runs('export')).find((r) => r.status === 'running');

function dropIntoInbox(name: string, code: string) {
  mkdirSync(join(dir, 'in'), { recursive: true });
  writeFileSync(join(dir, 'in', name), `code,name\n${code},Street ${code}\n`);
}

describe.skipIf(!SERVER)('jobs exactly once across two app processes (PostgreSQL only)', () => {
  beforeAll(async () => {
    handle = await demoDatabase({ accounts: 5, months: 3 });
    dir = mkdtempSync(join(tmpdir(), 'exchange-once-'));
    // Started one after the other: the second finds pg-boss's tables made by the first.
    await startApp(PORTS[0]);
    await startApp(PORTS[1]);
    boss = await startJobQueue(handle.db);
    blocker = new pg.Client({ connectionString: handle.url });
    await blocker.connect();
  }, 180_000);

  afterAll(async () => {
    for (const app of apps)
      if (app.child.exitCode === null && app.child.signalCode === null) app.child.kill('SIGKILL');
    await Promise.all(
      apps.map((a) =>
        a.child.exitCode === null && a.child.signalCode === null ? once(a.child, 'exit') : null,
      ),
    );
    await blocker?.end().catch(() => {});
    await boss?.stop({ graceful: false, wait: true }).catch(() => {});
    await handle?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the weekly slot triggered on both processes runs once: the file is imported once', async () => {
    dropIntoInbox('streets_slot.csv', 'SLOT1');
    // What the timekeepers of two processes do when the slot comes: each enqueues the slot's job.
    const ids = [await boss.send(EXCHANGE_QUEUE, {}), await boss.send(EXCHANGE_QUEUE, {})];
    await until(
      async () => {
        for (const id of ids) {
          const job = await boss.getJobById(EXCHANGE_QUEUE, id as string);
          if (job?.state !== 'completed' && job?.state !== 'failed') return false;
        }
        return true;
      },
      60_000,
      'both slot jobs done',
    );
    expect((await runs('import', 'streets_slot.csv')).map((r) => r.status)).toEqual(['succeeded']);
    // One run in all: one export too.
    expect(await runs('export')).toHaveLength(1);
  }, 90_000);

  it('a manual run started on both processes: one runs, the other says "already running since"', async () => {
    dropIntoInbox('streets_manual.csv', 'MAN1');
    const [a, b] = [new Client(PORTS[0]), new Client(PORTS[1])];
    await a.loginAsOperator('en');
    await b.loginAsOperator('ru');
    await blocker.query('select pg_advisory_lock($1)', [LOCK.exportClaim]);
    const first = a.runExchange();
    await until(
      async () => (await runningExport()) !== undefined,
      30_000,
      'the first run to reach its export',
    );

    const second = await Promise.race([
      b.runExchange(),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('the second start waited')), 20_000),
      ),
    ]).finally(() => blocker.query('select pg_advisory_unlock($1)', [LOCK.exportClaim]));
    expect(second.status).toBe(409);
    expect(second.text).toMatch(/Обмен уже выполняется с \d\d\.\d\d\.\d{4} \d\d:\d\d/);

    const done = await first;
    expect(done.status).toBe(200);
    expect(done.text).toContain('streets_manual.csv: succeeded');
    expect((await runs('import', 'streets_manual.csv')).map((r) => r.status)).toEqual(['succeeded']);
  }, 120_000);

  it('a process killed mid-run: the survivor marks the run failed, and the exchange runs again', async () => {
    const [a, b] = [new Client(PORTS[0]), new Client(PORTS[1])];
    await a.loginAsOperator('en');
    await b.loginAsOperator('ru');
    await blocker.query('select pg_advisory_lock($1)', [LOCK.exportClaim]);
    try {
      dropIntoInbox('streets_killed.csv', 'KIL1');
      a.runExchange().catch(() => {});
      await until(async () => (await runningExport()) !== undefined, 30_000, 'the run to reach its export');
      const cut = (await runningExport())!;
      const victim = apps[0]!.child;
      victim.kill('SIGKILL');
      await once(victim, 'exit');

      await until(
        async () => (await runs('export')).find((r) => r.id === cut.id)?.status === 'failed',
        60_000,
        'the interrupted run to be marked failed',
      );
      const row = (await runs('export')).find((r) => r.id === cut.id);
      expect(JSON.stringify(row?.errors)).toContain('"interrupted"');
      // Shown in the back office, in the operator's language.
      const page = await b.request('GET', '/backoffice/exchange');
      expect(page.text).toContain('Прервано: процесс, который его выполнял, остановился');
    } finally {
      await blocker.query('select pg_advisory_unlock($1)', [LOCK.exportClaim]);
    }
    // The dead process's lock went with it: the survivor runs the exchange.
    dropIntoInbox('streets_after.csv', 'AFT1');
    const again = await b.runExchange();
    expect(again.status).toBe(200);
    expect((await runs('import', 'streets_after.csv')).map((r) => r.status)).toEqual(['succeeded']);
  }, 150_000);

  it('SIGTERM with a request in flight: readiness goes, the request finishes, the process exits 0', async () => {
    const b = new Client(PORTS[1]);
    await b.loginAsOperator('en');
    await blocker.query('select pg_advisory_lock($1)', [LOCK.exportClaim]);
    let inFlight: ReturnType<Client['runExchange']>;
    try {
      dropIntoInbox('streets_term.csv', 'TRM1');
      inFlight = b.runExchange();
      await until(async () => (await runningExport()) !== undefined, 30_000, 'the run to reach its export');
      const app = apps[1]!;
      app.child.kill('SIGTERM');
      await until(
        async () => {
          const res = await fetch(`http://127.0.0.1:${app.port}/health/ready`).catch(() => null);
          return res?.status !== 200;
        },
        30_000,
        'readiness to go',
      );
    } finally {
      await blocker.query('select pg_advisory_unlock($1)', [LOCK.exportClaim]);
    }
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(res.text).toContain('streets_term.csv: succeeded');
    const [code] = await once(apps[1]!.child, 'exit');
    expect(code).toBe(0);
  }, 120_000);
});
