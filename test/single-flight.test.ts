import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeMonthOnce } from '../src/billing/billing-run';
import { type DatabaseHandle, openDatabase } from '../src/db/database';
import { DEMO_PASSWORD } from '../src/demo/demo-catalogue';
import { startInvoiceMailing } from '../src/documents/mailing';
import { EXCHANGE_QUEUE, exchangeSlot, registerExchangeJob } from '../src/exchange/exchange.job';
import { instanceOf, startInstance, stopInstance } from '../src/jobs/instance';
import { LOCK } from '../src/jobs/locks';
import { startJobQueue } from '../src/jobs/queue';
import { AlreadyRunning, RUNS, singleFlight } from '../src/jobs/single-flight';
import { Browser, type TestApp, testApp, textOf } from './helpers/app';
import { demoDatabase, type TestDatabase } from './helpers/db';

/**
 * Runs that happen once at a time: a second start while one runs is refused at once, saying since
 * when. On PostgreSQL the run is held through a second database handle (another process's pool,
 * another session); test/jobs-once.test.ts does it with two real app processes.
 */
const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
let h: TestDatabase;
let t: TestApp;
/** The database as another process sees it (on PGlite there is only one). */
let other: DatabaseHandle;
let dir: string;

function gate() {
  let open = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

async function until(what: () => Promise<boolean>) {
  const start = Date.now();
  while (!(await what())) {
    if (Date.now() - start > 20_000) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Holds a run elsewhere until the returned function is called. */
async function holdElsewhere(run: { name: string; key: readonly [number, number] }) {
  const g = gate();
  const held = singleFlight(other.db, run, () => g.promise);
  await until(async () =>
    Boolean(
      await h.db.selectFrom('running_jobs').select('job').where('job', '=', run.name).executeTakeFirst(),
    ),
  );
  return async () => {
    g.open();
    await held;
  };
}

beforeAll(async () => {
  h = await demoDatabase({ accounts: 5, months: 3 });
  dir = mkdtempSync(join(tmpdir(), 'single-flight-'));
  t = await testApp(h, { EXCHANGE_DIR: dir });
  other = h.url ? await openDatabase({ url: h.url, poolSize: 2 }) : h;
}, 120_000);

afterAll(async () => {
  if (other && other !== h) await other.close();
  await t?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe(`runs once at a time (${engine})`, () => {
  it('a manual exchange run while one runs: 409 "already running since", in the operator\'s language', async () => {
    const b = new Browser(t.app);
    await b.get('/lang/kk');
    await b.login('operator', DEMO_PASSWORD);
    await b.get('/backoffice/exchange');
    const release = await holdElsewhere(RUNS.exchange);
    let busy: Awaited<ReturnType<Browser['post']>>;
    try {
      busy = await b.post('/backoffice/exchange/run', {});
    } finally {
      await release();
    }
    expect(busy.statusCode).toBe(409);
    expect(textOf(busy.body)).toMatch(/Алмасу қазір орындалуда \(\d\d\.\d\d\.\d{4} \d\d:\d\d бастап\)/);
    // Nothing ran: no import or export row.
    expect(await h.db.selectFrom('exchange_runs').select('id').execute()).toEqual([]);

    const after = await b.post('/backoffice/exchange/run', {});
    expect(after.statusCode).toBe(200);
    expect(await h.db.selectFrom('running_jobs').select('job').execute()).toEqual([]);
  });

  it('a month closing while one runs is refused at once, with since when; then it closes', async () => {
    const release = await holdElsewhere(RUNS.monthClosing);
    let refused: unknown;
    try {
      await closeMonthOnce(h.db, '2026-11').catch((error: unknown) => {
        refused = error;
      });
    } finally {
      await release();
    }
    expect(refused).toBeInstanceOf(AlreadyRunning);
    expect((refused as AlreadyRunning).since).toBeInstanceOf(Date);
    const period = await h.db
      .selectFrom('billing_periods')
      .select('status')
      .where('period', '=', '2026-11-01')
      .executeTakeFirst();
    expect(period?.status).not.toBe('closed');

    const closed = await closeMonthOnce(h.db, '2026-11');
    expect(closed).toMatchObject({ period: '2026-11', wasClosed: false });
    expect(closed.accounts).toBeGreaterThan(0);
  });

  it('a month mailing started again while unfinished: "already running since", nothing changes', async () => {
    const first = await startInvoiceMailing(h.db, null, '2026-10');
    expect(first.runningSince).toBeUndefined();
    const recipients = await h.db.selectFrom('invoice_mailing_recipients').select('user_id').execute();

    const second = await startInvoiceMailing(h.db, null, '2026-10');
    expect(second.runningSince).toBeInstanceOf(Date);
    expect(second.recipients).toBe(0);

    const b = new Browser(t.app);
    await b.get('/lang/en');
    await b.login('operator', DEMO_PASSWORD);
    await b.get('/backoffice/mailings');
    const page = await b.post('/backoffice/mailings', { period: '2026-10' });
    expect(page.statusCode).toBe(409);
    expect(textOf(page.body)).toMatch(
      /This month's mailing is already running since \d\d\.\d\d\.\d{4} \d\d:\d\d; nothing changed\./,
    );
    expect(await h.db.selectFrom('invoice_mailing_recipients').select('user_id').execute()).toEqual(
      recipients,
    );
  });

  it('a slot that comes while an exchange runs is skipped, not run beside it; the next job of the slot runs it once', async () => {
    mkdirSync(join(dir, 'in'), { recursive: true });
    writeFileSync(join(dir, 'in', 'streets_slot.csv'), 'code,name\nSLT1,Slot street\n');
    const jobs = await startJobQueue(h.db);
    const log = { info: () => {}, error: () => {} };
    await registerExchangeJob(jobs, {
      db: h.db,
      config: { EXCHANGE_CRON: '0 3 * * 1', EXCHANGE_DIR: dir },
      log,
    });
    const done = async (id: string | null) =>
      until(async () =>
        ['completed', 'failed'].includes((await jobs.getJobById(EXCHANGE_QUEUE, id!))?.state ?? ''),
      );
    const importsOf = () =>
      h.db.selectFrom('exchange_runs').select('status').where('file', '=', 'streets_slot.csv').execute();
    try {
      const release = await holdElsewhere(RUNS.exchange);
      try {
        await done(await jobs.send(EXCHANGE_QUEUE, {}));
        expect(await importsOf()).toEqual([]);
        expect(readdirSync(join(dir, 'in'))).toContain('streets_slot.csv');
      } finally {
        await release();
      }
      // The same slot enqueued twice more (two timekeepers): run once.
      await done(await jobs.send(EXCHANGE_QUEUE, {}));
      await done(await jobs.send(EXCHANGE_QUEUE, {}));
      expect(await importsOf()).toEqual([{ status: 'succeeded' }]);
      const slots = await h.db.selectFrom('job_slots').select(['job', 'slot']).execute();
      expect(slots).toEqual([{ job: EXCHANGE_QUEUE, slot: exchangeSlot('0 3 * * 1', new Date()) }]);
    } finally {
      await jobs.stop({ graceful: false, wait: true });
    }
  });

  it.skipIf(engine === 'PGlite')(
    'an instance whose connection breaks is no instance any more; the next start takes a new number',
    async () => {
      const first = await startInstance(other.db);
      try {
        await h.db.executeQuery(
          sql`select pg_terminate_backend(pid) from pg_locks
            where locktype = 'advisory' and classid = ${LOCK.instance} and objid = ${first.id}`.compile(h.db),
        );
        await until(async () => instanceOf(other.db) === undefined);
        const second = await startInstance(other.db);
        expect(second.id).not.toBe(first.id);
        expect(second.session).toBeDefined();
      } finally {
        await stopInstance(other.db);
      }
    },
  );

  it.skipIf(engine === 'PGlite')(
    'a connection that breaks while the instance starts: the start fails, the process lives on, the next start works',
    async () => {
      // A relay in front of the server that, once armed, cuts each new connection at its first query.
      const server = new URL(h.url!);
      let armed = false;
      const relay = createServer((client) => {
        const cutAtFirstQuery = armed;
        const upstream = createConnection(Number(server.port || 5432), server.hostname);
        let messages = 0;
        client.on('data', (data) => {
          messages++;
          if (cutAtFirstQuery && messages > 1) {
            client.destroy();
            upstream.destroy();
            return;
          }
          upstream.write(data);
        });
        upstream.on('data', (data) => client.write(data));
        for (const socket of [client, upstream]) socket.on('error', () => {});
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
      await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
      const port = (relay.address() as { port: number }).port;
      const url = new URL(h.url!);
      url.host = `127.0.0.1:${port}`;
      const viaRelay = await openDatabase({ url: url.toString(), poolSize: 1 });
      const lost: Error[] = [];
      try {
        armed = true;
        await expect(startInstance(viaRelay.db, (e) => lost.push(e))).rejects.toThrow();
        expect(instanceOf(viaRelay.db)).toBeUndefined();
        armed = false;
        const instance = await startInstance(viaRelay.db);
        expect(instance.id).toBeGreaterThan(0);
        expect(instance.session).toBeDefined();
      } finally {
        await stopInstance(viaRelay.db);
        await viaRelay.close();
        relay.close();
      }
    },
  );
});
