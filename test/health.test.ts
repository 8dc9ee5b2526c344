import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app';
import { loadConfig } from '../src/config';
import { openDatabase, prepared } from '../src/db/database';
import { createHealth, type Health } from '../src/web/health';
import { startWorkers, type Workers } from '../src/workers';
import { type TestDatabase, testDatabase } from './helpers/db';
import { statementLog } from './helpers/statement-log';

/**
 * /health/live, /health/ready and /health: ready only with the database answering, every
 * migration run, the job queue running and no shutdown begun. The SIGTERM of a real process is
 * in test/jobs-once.test.ts (PostgreSQL).
 */
const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
let h: TestDatabase;
let app: Awaited<ReturnType<typeof buildApp>>;
let health: Health;
let workers: Workers | undefined;

const get = async (url: string) => {
  const res = await app.inject({ method: 'GET', url });
  return { status: res.statusCode, body: res.json() as Record<string, unknown> };
};

beforeAll(async () => {
  h = await testDatabase();
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', SMTP_URL: '' });
  health = createHealth();
  app = await buildApp({ db: h.db, config, engine: h.engine, health });
  await app.ready();
  workers = await startWorkers({ db: h.db, config, engine: h.engine, log: app.log, health });
}, 120_000);

afterAll(async () => {
  await workers?.stop().catch(() => {});
  await app?.close();
  await h?.close().catch(() => {});
});

describe(`health and readiness (${engine})`, () => {
  it('ready: 200 with the database, the migrations and the job queue; live and /health 200', async () => {
    expect(await get('/health/ready')).toEqual({
      status: 200,
      body: { ok: true, engine: h.engine, database: true, migrations: true, jobs: true, shuttingDown: false },
    });
    expect((await get('/health/live')).status).toBe(200);
    expect(await get('/health')).toEqual({ status: 200, body: { ok: true, engine: h.engine } });
  });

  it('ready: 503 when a migration of this code has not run', async () => {
    await h.db
      .deleteFrom('kysely_migration' as never)
      .where('name' as never, '=', '0630_job_runs' as never)
      .execute();
    try {
      const res = await get('/health/ready');
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ ok: false, database: true, migrations: false });
    } finally {
      await h.db
        .insertInto('kysely_migration' as never)
        .values({ name: '0630_job_runs', timestamp: new Date().toISOString() } as never)
        .execute();
    }
    expect((await get('/health/ready')).status).toBe(200);
  });

  it('ready asks the database one statement, not the catalogs', async () => {
    // Load balancers ask every second on every instance; the migrator's own answer listed every
    // table of the database first (about 11 ms of the database's time each).
    const { db: counted, sent } = statementLog(h.db);
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', SMTP_URL: '' });
    const countedApp = await buildApp({ db: counted, config, engine: h.engine, health });
    try {
      const res = await countedApp.inject({ method: 'GET', url: '/health/ready' });
      expect(res.json()).toMatchObject({ database: true, migrations: true });
      expect(sent).toEqual([expect.stringMatching(/from kysely_migration$/)]);
    } finally {
      await countedApp.close();
    }
  });

  it('ready: 503 while the job queue does not run', async () => {
    await workers?.stop();
    workers = undefined;
    const res = await get('/health/ready');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ ok: false, database: true, jobs: false });
  });

  it('ready: 503 during shutdown, live still 200', async () => {
    health.jobsRunning = true;
    health.shuttingDown = true;
    try {
      const res = await get('/health/ready');
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ ok: false, shuttingDown: true });
      expect((await get('/health/live')).status).toBe(200);
    } finally {
      health.shuttingDown = false;
    }
  });

  it('ready without a job queue on an instance that serves pages only (ROLE=web), 503 on one meant to run it', async () => {
    health.jobsRunning = false;
    health.jobsExpected = false;
    try {
      expect(await get('/health/ready')).toMatchObject({ status: 200, body: { ok: true, jobs: false } });
    } finally {
      health.jobsExpected = true;
    }
    expect((await get('/health/ready')).status).toBe(503);
  });

  it.skipIf(engine === 'PGlite')(
    "ready: 200 while every connection of the requests' pool is taken (PostgreSQL)",
    async () => {
      health.jobsRunning = true;
      // Every connection the pages use held by a slow statement, as at month-end an instance's 32
      // requests hold them; the pool answers a new asker only after 5 s, with an error.
      const slow = Array.from({ length: 5 }, () =>
        Promise.allSettled([
          sql`${prepared}select pg_sleep(8)`.execute(h.db),
          sql`select pg_sleep(8)`.execute(h.db),
        ]),
      );
      try {
        await new Promise((r) => setTimeout(r, 300));
        const res = await get('/health/ready');
        expect(res).toMatchObject({ status: 200, body: { ok: true, database: true, migrations: true } });
      } finally {
        await Promise.all(slow);
      }
    },
    30_000,
  );

  it.skipIf(engine === 'PGlite')(
    'ready: 503 while the database is silent, 200 again as soon as it answers (PostgreSQL)',
    async () => {
      health.jobsRunning = true;
      // A proxy in front of the database that can go silent: every connection open then stops
      // passing bytes without being closed, as in a network partition or a failover behind a
      // moved address; connections made after it speaks again work.
      const target = new URL(h.url as string);
      const links: { client: Socket; server: Socket; silent: boolean }[] = [];
      let silent = false;
      const proxy = createServer((client) => {
        const server = connect(Number(target.port || 5432), target.hostname);
        const link = { client, server, silent };
        links.push(link);
        client.on('data', (d) => {
          if (!link.silent) server.write(d);
        });
        server.on('data', (d) => {
          if (!link.silent) client.write(d);
        });
        for (const s of [client, server]) s.on('error', () => {});
        client.on('close', () => server.destroy());
        server.on('close', () => client.destroy());
      });
      await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
      const proxied = new URL(target);
      proxied.host = `127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      const handle = await openDatabase({ url: proxied.toString(), poolSize: 2 });
      const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', SMTP_URL: '' });
      const proxiedApp = await buildApp({ db: handle.db, config, engine: handle.engine, health });
      const ready = async () => (await proxiedApp.inject({ method: 'GET', url: '/health/ready' })).statusCode;
      try {
        expect(await ready()).toBe(200);
        silent = true;
        for (const link of links) link.silent = true;
        expect(await ready()).toBe(503);
        silent = false;
        expect(await ready()).toBe(200);
      } finally {
        for (const link of links) {
          link.client.destroy();
          link.server.destroy();
        }
        await proxiedApp.close();
        await handle.close().catch(() => {});
        proxy.close();
      }
    },
    30_000,
  );

  it('ready: 503 when the database is closed, live still 200', async () => {
    health.jobsRunning = true;
    await h.close();
    const res = await get('/health/ready');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ ok: false, database: false });
    expect((await get('/health/live')).status).toBe(200);
  });
});
