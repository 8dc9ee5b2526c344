/**
 * Meter reading submissions per second through HTTP against PostgreSQL: a signed-in customer's
 * session cookie, the CSRF token of the rendered page, the form parsed and validated, the readings
 * committed, the 303 answer. Next to it, a bare Fastify app answering the same form with a 303,
 * measured by the same client in the same run. Uses a scratch database that is dropped after.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import formbody from '@fastify/formbody';
import Fastify from 'fastify';
import { sql } from 'kysely';
import pg from 'pg';
import { buildApp } from '../src/app';
import { createSession } from '../src/auth/sessions';
import { monthStart, periodOf } from '../src/calendar/calendar';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/db/database';
import { migrateToLatest } from '../src/db/migrate';
import { DEMO_PASSWORD } from '../src/demo/demo-catalogue';
import { loadDemoDataIfEmpty } from '../src/demo/demo-data';
import { meterStates } from '../src/readings/readings.queries';
import { meteredAccountsWithoutUser } from '../test/helpers/db';
import { type LoadResult, percentile, runInChildProcess } from './http-load';
import type { LoadJob } from './load-client';
import type { BenchRow } from './run';

const SERVER = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const MAX_REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20000);
const MAX_SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const WARM_REQUESTS = 1000;
/**
 * Customers enough that none reaches READING_MAX_PER_MONTH (20) submissions of a meter in the
 * month: each submits about 15 times over the warm-up and the measured run.
 */
const USERS = Math.ceil((MAX_REQUESTS + WARM_REQUESTS) / 15);

interface Customer {
  cookie: string;
  csrf: string;
  /** Per meter field, the litres the first submission sends (above the previous reading). */
  readings: [field: string, litres: number][];
}

async function httpText(
  base: string,
  path: string,
  init: { method?: string; cookie?: string; body?: string } = {},
) {
  const res = await fetch(`${base}${path}`, {
    method: init.method ?? 'GET',
    redirect: 'manual',
    headers: {
      ...(init.cookie ? { cookie: init.cookie } : {}),
      ...(init.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
    ...(init.body ? { body: init.body } : {}),
  });
  const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0]!);
  return { status: res.status, text: await res.text(), cookies };
}

function loadInChildProcess(job: LoadJob): Promise<LoadResult> {
  return runInChildProcess<LoadResult>('load-client.ts', job);
}

function row(name: string, r: LoadResult, note: string): BenchRow {
  return {
    bench: 'readings',
    case: name,
    requests: r.requests,
    errors: r.errors,
    seconds: r.seconds,
    perSecond: r.requests / r.seconds,
    p50Ms: percentile(r.latenciesMs, 50),
    p99Ms: percentile(r.latenciesMs, 99),
    note,
  };
}

export default async function readingsBench(): Promise<BenchRow[]> {
  const name = `bench_readings_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: SERVER });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ url: url.toString(), poolSize: 20 });
  const rows: BenchRow[] = [];
  try {
    await migrateToLatest(handle.db);
    await loadDemoDataIfEmpty(handle.db, { accounts: USERS + 100, months: 3 });
    const db = handle.db;
    const period = monthStart(periodOf(new Date()));

    // One customer per metered account, each with a session (as after signing in).
    const passwordHash = (await db.selectFrom('users').select('password_hash').executeTakeFirstOrThrow())
      .password_hash;
    const accounts = await meteredAccountsWithoutUser(db, USERS);

    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
    const app = await buildApp({ db, config, engine: handle.engine });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

    // The real sign-in path once, to show the session cookie works end to end.
    const home = await httpText(base, '/');
    const loginToken = /name="_csrf" value="([^"]+)"/.exec(home.text)?.[1] ?? '';
    const login = await httpText(base, '/login', {
      method: 'POST',
      cookie: home.cookies.join('; '),
      body: new URLSearchParams({ _csrf: loginToken, login: '02015213', password: DEMO_PASSWORD }).toString(),
    });
    if (login.status !== 303) throw new Error(`demo login failed: ${login.status}`);

    const users = await db
      .insertInto('users')
      .values(
        accounts.map((a) => ({
          login: `bench-${a.number}`,
          password_hash: passwordHash,
          customer_kind: 'individual' as const,
        })),
      )
      .returning(['id', 'login'])
      .execute();
    const userOf = new Map(users.map((u) => [u.login, u.id]));
    await db
      .insertInto('user_accounts')
      .values(accounts.map((a) => ({ user_id: userOf.get(`bench-${a.number}`)!, account_id: a.id })))
      .execute();
    // Each customer signs in and opens the readings page (its CSRF token and cookie), 16 at a time.
    const customers: Customer[] = [];
    for (let i = 0; i < accounts.length; i += 16) {
      const signedIn = await Promise.all(
        accounts.slice(i, i + 16).map(async (a) => {
          const session = await createSession(db, {
            userId: userOf.get(`bench-${a.number}`)!,
            persistent: false,
          });
          const sid = `sid=${session.secret}`;
          const page = await httpText(base, '/cabinet/readings', { cookie: sid });
          const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
          if (page.status !== 200 || !csrf) throw new Error(`readings page failed: ${page.status}`);
          const readings: [string, number][] = [];
          for (const m of await meterStates(db, a.id, period)) {
            readings.push([`m_${m.id}`, (m.prevValueL ?? 0) + 1_234]);
          }
          return { cookie: [sid, ...page.cookies].join('; '), csrf, readings };
        }),
      );
      customers.push(...signedIn);
    }

    // A live database has planner statistics; a freshly loaded scratch one gets them here.
    await sql`analyze`.execute(db);
    const jobCustomers = customers.map((c) => ({
      cookie: c.cookie,
      form: new URLSearchParams({ _csrf: c.csrf }).toString(),
      readings: c.readings,
    }));
    const runId = randomBytes(3).toString('hex');

    // Bare Fastify with the same form parser, answering the same request with a 303.
    const bare = Fastify({ logger: false });
    await bare.register(formbody);
    bare.post('/cabinet/readings', async (_req, reply) => reply.redirect('/cabinet/readings?done=2', 303));
    await bare.listen({ port: 0, host: '127.0.0.1' });
    const bareUrl = `http://127.0.0.1:${(bare.server.address() as AddressInfo).port}`;
    // stepOffset keeps the measured run's values apart from the warm-up's (each is a new correction).
    const load = (target: string, tag: string, maxRequests = MAX_REQUESTS, stepOffset = 0) =>
      loadInChildProcess({
        url: target,
        path: '/cabinet/readings',
        concurrency: CONCURRENCY,
        maxRequests,
        maxSeconds: MAX_SECONDS,
        expectStatus: 303,
        customers: jobCustomers,
        tag: `${tag}${runId}`,
        stepOffset,
      });

    // Both servers warm up first (JIT; the app's pooled connections and prepared statements), the
    // same number of requests each; the measured runs come after.
    await load(bareUrl, 'warm', WARM_REQUESTS);
    await load(base, 'warm', WARM_REQUESTS);
    const baseline = await load(bareUrl, 'bare');
    const before = await db
      .selectFrom('readings')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('period', '=', period)
      .executeTakeFirstOrThrow();
    const real = await load(base, 'sub', MAX_REQUESTS, 1_000);
    const after = await db
      .selectFrom('readings')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('period', '=', period)
      .executeTakeFirstOrThrow();
    const meterRows = Number(after.n) - Number(before.n);

    rows.push(row('bare Fastify, same form, 303', baseline, `baseline, ${CONCURRENCY} concurrent`));
    rows.push(
      row(
        'submit readings (session, CSRF, validate, commit)',
        real,
        `${customers.length} customers, ${meterRows} reading rows committed; goal >= 1000/s, p99 < 50 ms`,
      ),
    );
    await bare.close();
    await app.close();
  } finally {
    await handle.close();
    const cleanup = new pg.Client({ connectionString: SERVER });
    await cleanup.connect();
    await cleanup.query(`drop database if exists ${name} with (force)`);
    await cleanup.end();
  }
  return rows;
}
