/**
 * Month-end at city size (npm run bench -- city): a city of CITY_ACCOUNTS accounts (100,000) with
 * CITY_MONTHS months (36) of history on PostgreSQL, laid out as docs/deploy.md deploys it:
 * CITY_INSTANCES app processes (2, ROLE=web) behind HAProxy and one worker (ROLE=worker) that sends
 * the monthly invoice mailing into a real SMTP server; HAProxy configured as `npm run cluster`
 * configures it. While the mailing runs, signed-in customers send the month-end mix in three runs:
 * - CITY_CAPACITY_SECONDS (20) with CITY_CONCURRENCY (32) requests in flight: the most the
 *   processes answer (the capacity);
 * - CITY_SECONDS (60) at CITY_RATE requests a second (300, the goal), sent on schedule whether or
 *   not the earlier ones are answered, as customers arrive (CITY_RATE=0: none);
 * - CITY_KILL_SECONDS (20) with CITY_KILL_CONCURRENCY (96) in flight, one app process killed with
 *   SIGKILL half-way (CITY_KILL=0: none). 96 is three times an instance's 32 places: HAProxy's queue
 *   holds requests when the process is lost, as at month-end.
 * Prints per route the rate and p50/p99 of the second run, the errors the killed process cost,
 * and the mailing's messages per second until it is done (at most CITY_MAIL_SECONDS, 900).
 *
 * The runs answer different questions. With a fixed number of requests in flight the latency is
 * set by the rate (Little's law: 32 in flight at 300 a second is 107 ms each on average), so a p99
 * goal is only meaningful at a given arrival rate; and above the capacity, errors say nothing of
 * what a lost process costs.
 *
 * The database is built once and kept as `bench_city` when CITY_REUSE=1 (building it takes
 * minutes: the billing system's files are generated and imported as the exchange does); otherwise it is
 * dropped at the end. Server: BENCH_DATABASE_URL or postgres://postgres@127.0.0.1:5432/postgres.
 * The mix and where its weights come from: docs/deploy.md, "Month-end load".
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { haproxyCfg } from '../scripts/cluster';
import { hashPassword } from '../src/auth/passwords';
import { createSession } from '../src/auth/sessions';
import { closeMonth } from '../src/billing/month-closer.service';
import { addMonths, monthStart, periodOf, periodRange } from '../src/calendar/calendar';
import { type DatabaseHandle, openDatabase } from '../src/db/database';
import { migrateToLatest } from '../src/db/migrate';
import { DEMO_PASSWORD } from '../src/demo/demo-catalogue';
import { mailingReport, startInvoiceMailing } from '../src/documents/mailing';
import { importPath } from '../src/exchange/import.service';
import { startJobQueue } from '../src/jobs/queue';
import { meterStates } from '../src/readings/readings.queries';
import { generate } from './exchange.bench';
import { percentile, runInChildProcess } from './http-load';
import type { MixCustomer, MixJob, MixResult, MixRoute } from './mix-client';
import type { BenchRow } from './run';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SERVER = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ACCOUNTS = Number(process.env.CITY_ACCOUNTS ?? 100_000);
const MONTHS = Number(process.env.CITY_MONTHS ?? 36);
const INSTANCES = Number(process.env.CITY_INSTANCES ?? 2);
const SECONDS = Number(process.env.CITY_SECONDS ?? 60);
const CONCURRENCY = Number(process.env.CITY_CONCURRENCY ?? 32);
const RATE = Number(process.env.CITY_RATE ?? 300);
const CAPACITY_SECONDS = Number(process.env.CITY_CAPACITY_SECONDS ?? 20);
const KILL_SECONDS = Number(process.env.CITY_KILL_SECONDS ?? 20);
const KILL_CONCURRENCY = Number(process.env.CITY_KILL_CONCURRENCY ?? 96);
/** The worker's pace of queuing the mailing (MAILING_PER_SECOND; the cabinet's default is 150). */
const MAILING_PER_SECOND = process.env.CITY_MAILING_PER_SECOND ?? '150';
/** The worker's CPU priority (WORKER_NICE; 0: as the apps' own), decision 193. */
const WORKER_NICE = Number(process.env.CITY_WORKER_NICE ?? 10);
const SESSIONS = Math.min(Number(process.env.CITY_SESSIONS ?? 3000), ACCOUNTS);
const MAIL_SECONDS = Number(process.env.CITY_MAIL_SECONDS ?? 900);
const KILL = process.env.CITY_KILL !== '0' && INSTANCES > 1;
const REUSE = process.env.CITY_REUSE === '1';
const DB_NAME = REUSE ? 'bench_city' : `bench_city_${process.pid}`;
/** The last month the billing system has closed; the month-end is the month after it. */
export const LAST = '2026-10';
const BASE_PORT = 3201;
const WORKER_PORT = 3200;
const PROXY_PORT = 8451;

/** Requests per 100 at the month-end peak (docs/deploy.md, "Month-end load"). */
export const MONTH_END_MIX: MixRoute[] = [
  { name: 'sign in', weight: 4 },
  { name: 'readings page', weight: 26 },
  { name: 'submit readings', weight: 14 },
  { name: 'readings history', weight: 10 },
  { name: 'invoice page', weight: 20 },
  { name: 'invoice PDF', weight: 8 },
  { name: 'statement page', weight: 18 },
];

const log = (line: string) => process.stderr.write(`city bench: ${line}\n`);

export default async function cityBench(): Promise<BenchRow[]> {
  const url = new URL(SERVER);
  url.pathname = `/${DB_NAME}`;
  const fresh = await ensureDatabase();
  const handle = await openDatabase({ url: url.toString(), poolSize: 8 });
  const processes: ChildProcess[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'city-bench-'));
  const sink = await startSink();
  try {
    if (fresh) await loadCity(handle);
    // A kept database (CITY_REUSE=1) still has the last run's mailing: it goes before the app
    // processes start, or their workers would go on sending it while it is deleted (each of their
    // updates then waited minutes for the delete, which checked every outbox row's reference from
    // the recipients without an index; production never deletes outbox rows).
    await sql`truncate invoice_mailing_recipients, invoice_mailings, mail_outbox`.execute(handle.db);
    const apps = await Promise.all(
      Array.from({ length: INSTANCES }, (_, i) => startApp(url.toString(), BASE_PORT + i, sink.url, 'web')),
    );
    processes.push(...apps);
    const worker = await startApp(url.toString(), WORKER_PORT, sink.url, 'worker');
    processes.push(worker);
    const proxy = await startProxy(dir);
    processes.push(proxy);
    const base = `http://127.0.0.1:${PROXY_PORT}`;
    const customers = await signIn(handle, base);
    log(`${customers.length} customers signed in`);

    // The month's mailing starts with the mix; the worker sends it.
    const jobs = await startJobQueue(handle.db);
    let mailingStart = performance.now();
    const started = await startInvoiceMailing(handle.db, jobs, LAST);
    await jobs.stop();
    let recipients = started.recipients;
    if (started.runningSince) {
      // The worker's own schedule started it (the month was closed in the last 30 days): the
      // mailing is the same, counted from when the worker started it.
      mailingStart -= Date.now() - started.runningSince.getTime();
      const [report] = await mailingReport(handle.db, LAST);
      recipients = report?.total ?? 0;
      log(`the worker had started the mailing of ${LAST} itself, ${recipients} recipients`);
    }
    sink.reset();

    const cpu = new CpuMeter(handle, { web: apps, worker, proxy });
    await cpu.start();
    const mixJob = {
      url: base,
      concurrency: CONCURRENCY,
      password: DEMO_PASSWORD,
      routes: MONTH_END_MIX,
      customers,
      period: LAST,
      tag: randomBytes(3).toString('hex'),
    };
    let capacity: { mix: MixResult; cpu: CpuSpent } | undefined;
    if (CAPACITY_SECONDS > 0) {
      log(`capacity: ${CONCURRENCY} requests in flight for ${CAPACITY_SECONDS} s`);
      const mix = await runMix({ ...mixJob, seconds: CAPACITY_SECONDS, tag: `${mixJob.tag}c` });
      capacity = { mix, cpu: await cpu.lap(mix.clientCpuMs) };
    }
    log(RATE ? `the mix at ${RATE} requests a second for ${SECONDS} s` : 'no fixed-rate run (CITY_RATE=0)');
    // Open loop: the connections HAProxy may hold are the limit on requests in flight.
    const mix = RATE
      ? await runMix({ ...mixJob, seconds: SECONDS, rate: RATE, concurrency: 1000, tag: `${mixJob.tag}r` })
      : undefined;
    const mixCpu = await cpu.lap(mix?.clientCpuMs);
    // The kill, with a fixed number of requests in flight (not a rate above the capacity, where
    // errors would say nothing of what a lost process costs), more than the instances' places: the
    // queued requests must go to the instance left.
    let killed: { mix: MixResult; killAt: number; cpu: CpuSpent } | undefined;
    if (KILL) {
      const killAt = KILL_SECONDS / 2;
      log(
        `${KILL_CONCURRENCY} requests in flight for ${KILL_SECONDS} s, one app process killed after ${killAt} s`,
      );
      let killedAtMs = 0;
      const killer = setTimeout(() => {
        log(`killing the app process on port ${BASE_PORT + INSTANCES - 1}`);
        cpu.retire(apps[INSTANCES - 1]);
        killedAtMs = Date.now();
        apps[INSTANCES - 1]?.kill('SIGKILL');
      }, killAt * 1000);
      const mix = await runMix({
        ...mixJob,
        seconds: KILL_SECONDS,
        concurrency: KILL_CONCURRENCY,
        tag: `${mixJob.tag}k`,
      });
      clearTimeout(killer);
      // On the client's clock: it starts its run a little after the timer above was set.
      const killedAt = killedAtMs ? (killedAtMs - mix.startedAtMs) / 1000 : killAt;
      killed = { mix, killAt: killedAt, cpu: await cpu.lap(mix.clientCpuMs) };
    }
    if (!killed) await cpu.lap();
    const sentDuringMix = sink.count();

    log(`mix done; waiting for the mailing of ${recipients} invoices (at most ${MAIL_SECONDS} s)`);
    const mailDeadline = mailingStart + MAIL_SECONDS * 1000;
    while (sink.count() < recipients && performance.now() < mailDeadline) {
      await new Promise((r) => setTimeout(r, 1000));
    }
    const mailSeconds = (performance.now() - mailingStart) / 1000;
    const mailCpu = await cpu.lap();
    return report(
      capacity,
      mix && { mix, cpu: mixCpu },
      killed,
      {
        recipients,
        sent: sink.count(),
        sentDuringMix,
        seconds: mailSeconds,
      },
      mailCpu,
    );
  } finally {
    for (const p of processes) if (p.exitCode === null) p.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1000));
    for (const p of processes) if (p.exitCode === null) p.kill('SIGKILL');
    await sink.close();
    await handle.close();
    rmSync(dir, { recursive: true, force: true });
    if (!REUSE) await dropDatabase();
  }
}

/** Creates the scratch database; answers whether it is new (and has to be loaded). */
async function ensureDatabase(): Promise<boolean> {
  const admin = new pg.Client({ connectionString: SERVER });
  await admin.connect();
  try {
    const exists = await admin.query('select 1 from pg_database where datname = $1', [DB_NAME]);
    if (exists.rowCount && REUSE) {
      const url = new URL(SERVER);
      url.pathname = `/${DB_NAME}`;
      const c = new pg.Client({ connectionString: url.toString() });
      await c.connect();
      const users = await c
        .query(`select count(*)::int as n from users where login like '1%'`)
        .catch(() => ({ rows: [{ n: 0 }] }));
      await c.end();
      if (users.rows[0].n >= ACCOUNTS) {
        log(`reusing database ${DB_NAME}`);
        return false;
      }
    }
    await admin.query(`drop database if exists ${DB_NAME} with (force)`);
    await admin.query(`create database ${DB_NAME}`);
    return true;
  } finally {
    await admin.end();
  }
}

async function dropDatabase() {
  const admin = new pg.Client({ connectionString: SERVER });
  await admin.connect();
  await admin.query(`drop database if exists ${DB_NAME} with (force)`);
  await admin.end();
}

/**
 * The billing system's files for the whole city, loaded as the exchange does; one cabinet user per
 * account, subscribed to the monthly invoice. The last month (`LAST`) is closed.
 */
export async function loadCity(handle: DatabaseHandle, accounts = ACCOUNTS, months = MONTHS) {
  await migrateToLatest(handle.db);
  const periods = periodRange(addMonths(LAST, -(months - 1)), LAST);
  const dir = mkdtempSync(join(tmpdir(), 'city-files-'));
  try {
    log(`generating ${accounts} accounts × ${months} months`);
    generate(dir, accounts, periods);
    for (const f of [
      'streets.csv',
      'buildings.csv',
      'premises.csv',
      'accounts.csv',
      'meters.csv',
      'tariffs.csv',
      'vat_rates.csv',
      'norms.csv',
      'penalty_rates.csv',
    ]) {
      const [r] = await importPath(handle.db, join(dir, f));
      if (r?.status !== 'succeeded') throw new Error(`${f}: ${JSON.stringify(r?.problems.slice(0, 3))}`);
    }
    for (const kind of ['readings', 'charges', 'payments'] as const) {
      log(`importing ${kind}`);
      const [r] = await importPath(handle.db, join(dir, `${kind}.csv`));
      if (r?.status !== 'succeeded') throw new Error(`${kind}: ${JSON.stringify(r?.problems.slice(0, 3))}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  log(`closing ${LAST} (the invoices of the month-end and of the mailing)`);
  await closeMonth(handle.db, LAST);
  log('adding one cabinet user per account, subscribed to the monthly invoice');
  const hash = await hashPassword(DEMO_PASSWORD);
  await sql`insert into users (login, password_hash, customer_kind, email, email_confirmed_at, subscribe_invoices)
    select a.number, ${hash}, 'individual', 'c' || a.number || '@city.test', now(), true from accounts a`.execute(
    handle.db,
  );
  await sql`insert into user_accounts (user_id, account_id)
    select u.id, a.id from accounts a join users u on u.login = a.number`.execute(handle.db);
  await sql`analyze`.execute(handle.db);
}

function startApp(url: string, port: number, smtpUrl: string, role: 'web' | 'worker'): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      DATABASE_URL: url,
      PORT: String(port),
      HOST: '127.0.0.1',
      DEMO_DATA: 'no',
      ROLE: role,
      WORKER_NICE: String(WORKER_NICE),
      SMTP_URL: smtpUrl,
      SESSION_SECRET: 'city-bench-session-secret-0123456789abcdef',
      TRUST_PROXY: '127.0.0.1',
      MAILING_PER_SECOND: MAILING_PER_SECOND,
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (c: Buffer) => {
    output += c.toString();
    if (output.length > 20_000) output = output.slice(-10_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      if (output.includes('Portal ready') || output.includes('Worker ready')) {
        clearInterval(poll);
        child.once('exit', (code, signal) => {
          if (code !== 0 && signal !== 'SIGKILL' && signal !== 'SIGTERM')
            log(`app on ${port} exited (${code ?? signal}):\n${output.slice(-3000)}`);
        });
        resolve(child);
      } else if (child.exitCode !== null || Date.now() - started > 120_000) {
        clearInterval(poll);
        reject(new Error(`app on ${port} did not start:\n${output}`));
      }
    }, 200);
  });
}

/** HAProxy in front of the app processes, configured as `npm run cluster` configures it. */
async function startProxy(dir: string): Promise<ChildProcess> {
  try {
    execFileSync('haproxy', ['-v'], { stdio: 'ignore' });
  } catch {
    throw new Error('haproxy is not installed (apt-get install -y haproxy)');
  }
  // The cluster's own configuration (scripts/cluster.ts, the same as deploy/haproxy): what the
  // bench measures is what is deployed, retries and limits included.
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(
    file,
    haproxyCfg({ port: PROXY_PORT, apps: Array.from({ length: INSTANCES }, (_, i) => BASE_PORT + i) }),
  );
  const child = spawn('haproxy', ['-f', file, '-db'], { stdio: ['ignore', 'ignore', 'pipe'] });
  for (let i = 0; i < 50; i++) {
    const ok = await fetch(`http://127.0.0.1:${PROXY_PORT}/health/ready`)
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ok) return child;
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGKILL');
  throw new Error('haproxy did not answer');
}

/** A real SMTP server that counts what it accepts and keeps none of it (100,000 PDFs). */
async function startSink() {
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      stream.resume();
      stream.on('end', () => {
        received += 1;
        callback();
      });
    },
  });
  // A connection reset by the app process killed half-way is expected; without a handler the
  // server's 'error' event would end the bench.
  server.on('error', () => {});
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.server.once('listening', r));
  return {
    url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`,
    count: () => received,
    reset: () => {
      received = 0;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Sessions for SESSIONS customers (as after signing in), their forms' CSRF tokens, sign-in pages. */
async function signIn(handle: DatabaseHandle, base: string): Promise<MixCustomer[]> {
  const db = handle.db;
  const period = monthStart(periodOf(new Date()));
  const users = await db
    .selectFrom('users')
    .innerJoin('user_accounts', 'user_accounts.user_id', 'users.id')
    .select(['users.id', 'users.login', 'user_accounts.account_id'])
    .where('users.login', 'like', '1%')
    .orderBy('users.id')
    .limit(SESSIONS)
    .execute();
  const get = async (path: string, cookie?: string) => {
    const res = await fetch(`${base}${path}`, { headers: cookie ? { cookie } : {} });
    const text = await res.text();
    const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0]!);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(text)?.[1];
    if (res.status !== 200 || !csrf) throw new Error(`${path}: ${res.status}`);
    return { csrf, cookies };
  };
  const customers: MixCustomer[] = [];
  for (let i = 0; i < users.length; i += 16) {
    customers.push(
      ...(await Promise.all(
        users.slice(i, i + 16).map(async (u, k) => {
          const n = i + k;
          const session = await createSession(db, { userId: u.id, persistent: false });
          const sid = `sid=${session.secret}`;
          const page = await get('/cabinet/readings', sid);
          const login = await get('/');
          const readings: [string, number][] = [];
          for (const m of await meterStates(db, u.account_id, period))
            readings.push([`m_${m.id}`, (m.prevValueL ?? 0) + 1_000]);
          return {
            cookie: [sid, ...page.cookies].join('; '),
            csrf: page.csrf,
            readings,
            login: u.login,
            loginCookie: login.cookies.join('; '),
            loginCsrf: login.csrf,
            ip: `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
          };
        }),
      )),
    );
  }
  return customers;
}

function runMix(job: MixJob): Promise<MixResult> {
  return runInChildProcess<MixResult>('mix-client.ts', job);
}

/** CPU milliseconds of each part of the layout over one lap (the load client reports its own). */
export interface CpuSpent {
  web: number;
  worker: number;
  db: number;
  proxy: number;
  /** This process: the SMTP sink counting the mailing, and these readings. */
  sink: number;
  client: number;
}

/**
 * CPU time (user + system, from /proc) of each part between laps: the web processes, the worker,
 * the database server's backends serving the bench's database, HAProxy, and this process (the
 * SMTP sink); the load client adds its own from its result. On a shared machine the rates move
 * with everyone else's load; CPU milliseconds per request or message move much less, and say what
 * the two cores could do alone, and which part would have to cost less. A process killed on
 * purpose is read just before the kill. Linux only.
 */
class CpuMeter {
  private last = CpuMeter.zero();
  private retired = 0;
  private retiredPid: number | undefined;
  private lastSelf = process.cpuUsage();
  constructor(
    private readonly handle: DatabaseHandle,
    private readonly parts: { web: ChildProcess[]; worker: ChildProcess; proxy: ChildProcess },
  ) {}

  private static zero() {
    return { web: 0, worker: 0, proxy: 0, db: new Map<number, number>() };
  }

  private static ms(pid: number | undefined): number {
    if (!pid) return 0;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime and stime, fields 14 and 15 of stat(5), in clock ticks of 10 ms.
      return (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
      return 0;
    }
  }

  private async read() {
    const backends = await sql<{ pid: number }>`
      select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`.execute(
      this.handle.db,
    );
    const web =
      this.retired +
      this.parts.web.filter((a) => a.pid !== this.retiredPid).reduce((sum, a) => sum + CpuMeter.ms(a.pid), 0);
    // Per backend: one that went away (its app process was killed) must not count as negative.
    const db = new Map(backends.rows.map((b) => [b.pid, CpuMeter.ms(b.pid)]));
    return { web, worker: CpuMeter.ms(this.parts.worker.pid), proxy: CpuMeter.ms(this.parts.proxy.pid), db };
  }

  async start() {
    this.last = await this.read();
    this.lastSelf = process.cpuUsage();
  }

  retire(app: ChildProcess | undefined) {
    this.retired += CpuMeter.ms(app?.pid);
    this.retiredPid = app?.pid;
  }

  /** CPU ms of each part since the last lap; `client`: the load client's own, from its result. */
  async lap(client = 0): Promise<CpuSpent> {
    const now = await this.read();
    let db = 0;
    for (const [pid, ms] of now.db) db += ms - (this.last.db.get(pid) ?? 0);
    const self = process.cpuUsage(this.lastSelf);
    this.lastSelf = process.cpuUsage();
    const spent = {
      web: now.web - this.last.web,
      worker: now.worker - this.last.worker,
      proxy: now.proxy - this.last.proxy,
      db,
      sink: (self.user + self.system) / 1000,
      client,
    };
    this.last = now;
    return spent;
  }
}

/**
 * "CPU per request: web 5.1, worker 2.0, db 2.4, HAProxy 0.7, client 0.9, SMTP sink 0.2 = 11.3 ms;
 * two cores alone: ~177/s". Every part's time is divided by the requests answered, the mailing's
 * (worker, part of db, sink) included, as it shares the cores with them.
 */
function cpuNote(spent: CpuSpent, count: number, unit = 'request'): string {
  if (count === 0) return '';
  const each = (ms: number) => (ms / count).toFixed(1);
  const total = spent.web + spent.worker + spent.db + spent.proxy + spent.client + spent.sink;
  return `CPU per ${unit}: web ${each(spent.web)}, worker ${each(spent.worker)}, db ${each(spent.db)}, HAProxy ${each(spent.proxy)}, load client ${each(spent.client)}, SMTP sink ${each(spent.sink)} = ${each(total)} ms; two cores alone: ~${Math.round((2000 * count) / total)}/s`;
}

function report(
  capacity: { mix: MixResult; cpu: CpuSpent } | undefined,
  paced: { mix: MixResult; cpu: CpuSpent } | undefined,
  killed: { mix: MixResult; killAt: number; cpu: CpuSpent } | undefined,
  mail: { recipients: number; sent: number; sentDuringMix: number; seconds: number },
  mailCpu: CpuSpent,
): BenchRow[] {
  const rows: BenchRow[] = [];
  const setup = `${ACCOUNTS} accounts × ${MONTHS} months, ${INSTANCES} app processes and a worker (nice ${WORKER_NICE})`;
  if (capacity) {
    const all = allRoutes(capacity.mix);
    rows.push({
      bench: 'city',
      case: `capacity: ${CONCURRENCY} in flight`,
      requests: all.latencies.length,
      errors: all.errors,
      seconds: capacity.mix.seconds,
      perSecond: all.latencies.length / capacity.mix.seconds,
      p50Ms: percentile(all.latencies, 50),
      p99Ms: percentile(all.latencies, 99),
      note: `the most answered a second (${setup}); ${cpuNote(capacity.cpu, all.latencies.length - all.errors)}`,
    });
  }
  if (paced) {
    const { mix } = paced;
    for (const [name, r] of Object.entries(mix.routes)) {
      const p99 = percentile(r.latenciesMs, 99);
      const missed = [p99 >= 100 ? 'p99 >= 100 ms' : '', r.errors ? `errors: ${r.samples.join(' / ')}` : '']
        .filter(Boolean)
        .join('; ');
      rows.push({
        bench: 'city',
        case: name,
        requests: r.latenciesMs.length,
        errors: r.errors,
        seconds: mix.seconds,
        perSecond: r.latenciesMs.length / mix.seconds,
        p50Ms: percentile(r.latenciesMs, 50),
        p99Ms: p99,
        note: missed || 'goal p99 < 100 ms, 0 errors: met',
      });
    }
    const all = allRoutes(mix);
    const behind = (mix.drainedSeconds ?? mix.seconds) - mix.seconds;
    rows.push({
      bench: 'city',
      case: `month-end mix at ${RATE}/s, all routes`,
      requests: all.latencies.length,
      errors: all.errors,
      seconds: mix.seconds,
      perSecond: all.latencies.length / mix.seconds,
      p50Ms: percentile(all.latencies, 50),
      p99Ms: percentile(all.latencies, 99),
      note: `sent on schedule (${setup}); last answer ${behind.toFixed(1)} s after the last request was due; goal >= 300/s, p99 < 100 ms; ${cpuNote(paced.cpu, all.latencies.length - all.errors)}`,
    });
  }
  if (killed) {
    const all = allRoutes(killed.mix);
    const after = all.errorTimes.filter((t) => t >= killed.killAt).sort((a, b) => a - b);
    const window = after.length ? after[after.length - 1]! - after[0]! : 0;
    rows.push({
      bench: 'city',
      case: 'one app process killed (SIGKILL)',
      requests: all.latencies.length,
      errors: after.length,
      seconds: killed.mix.seconds,
      perSecond: all.latencies.length / killed.mix.seconds,
      p50Ms: percentile(all.latencies, 50),
      p99Ms: percentile(all.latencies, 99),
      note: `${KILL_CONCURRENCY} in flight, killed at ${killed.killAt.toFixed(1)} s; errors after it spread over ${window.toFixed(2)} s (${all.errors - after.length} before); goal < 1 s of errors${
        all.errors
          ? `: ${Object.values(killed.mix.routes)
              .flatMap((r) => r.samples)
              .slice(0, 6)
              .join(' / ')}`
          : ''
      }; ${cpuNote(killed.cpu, all.latencies.length - all.errors)}`,
    });
  }
  const rate = mail.sent / mail.seconds;
  const projected = rate > 0 ? mail.recipients / rate / 60 : Number.POSITIVE_INFINITY;
  rows.push({
    bench: 'city',
    case: 'monthly invoice mailing (SMTP sink)',
    requests: mail.sent,
    errors: mail.recipients - mail.sent,
    seconds: mail.seconds,
    perSecond: rate,
    p50Ms: 0,
    p99Ms: 0,
    note: `${mail.sentDuringMix} sent during the mix; ${mail.sent}/${mail.recipients} in ${(mail.seconds / 60).toFixed(1)} min (${projected.toFixed(1)} min for all at this rate); goal < 15 min; after the mix: ${cpuNote(mailCpu, mail.sent - mail.sentDuringMix, 'message')}`,
  });
  return rows;
}

/** Every route's answers of one run together. */
function allRoutes(mix: MixResult) {
  const latencies: number[] = [];
  const errorTimes: number[] = [];
  let errors = 0;
  for (const r of Object.values(mix.routes)) {
    latencies.push(...r.latenciesMs);
    errorTimes.push(...r.errorTimes);
    errors += r.errors;
  }
  return { latencies, errorTimes, errors };
}
