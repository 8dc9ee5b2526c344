/**
 * CPU per request of the month-end mix's cabinet routes, in one process: the app built as main.ts
 * builds it, requests sent with app.inject (no sockets), one after another, against a demo city on
 * PostgreSQL. Per route, the app process's CPU (user + system, process.cpuUsage) and the database
 * backends' CPU (from /proc, the backends of this database) per request. Run the old and the new
 * code in turn and compare the figures, not the absolute times: the machine is shared.
 *
 *   CPU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/mix_city tsx bench/cabinet-cpu.ts prepare
 *   CPU_DATABASE_URL=... CPU_ROUNDS=200 tsx bench/cabinet-cpu.ts
 *
 * `prepare` loads the demo city (CPU_ACCOUNTS accounts, 3000; CPU_MONTHS months, 36) into an
 * empty database. A run signs in CPU_SESSIONS customers (40) as after a sign-in, warms up, then
 * sends CPU_ROUNDS rounds of each route in blocks. Pages are asked for as a browser asks
 * (Accept-Encoding: gzip, deflate, br), so compression is counted.
 */
import { readFileSync } from 'node:fs';
import { brotliDecompressSync } from 'node:zlib';
import { sql } from 'kysely';
import pg from 'pg';
import { buildApp } from '../src/app';
import { createSession } from '../src/auth/sessions';
import { monthStart, periodOf } from '../src/calendar/calendar';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/db/database';
import { migrateToLatest } from '../src/db/migrate';
import { loadDemoDataIfEmpty } from '../src/demo/demo-data';
import { formatMeterReading } from '../src/money/litres';
import { meterStates } from '../src/readings/readings.queries';

const URL_ = process.env.CPU_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/mix_city';
const ROUNDS = Number(process.env.CPU_ROUNDS ?? 200);
const SESSIONS = Number(process.env.CPU_SESSIONS ?? 40);
const PERIOD = process.env.CPU_PERIOD ?? '2026-10';
const ROUTES = (process.env.CPU_ROUTES ?? 'readings,submit,history,invoice,settlement,pdf').split(',');
const BROWSER = { 'accept-encoding': 'gzip, deflate, br', 'accept-language': 'ru-RU,ru;q=0.9' };

const handle = await openDatabase({ url: URL_ });
if (process.argv[2] === 'prepare') {
  await migrateToLatest(handle.db);
  await loadDemoDataIfEmpty(handle.db, {
    accounts: Number(process.env.CPU_ACCOUNTS ?? 3000),
    months: Number(process.env.CPU_MONTHS ?? 36),
    log: (l) => console.log(l),
  });
  // One cabinet user per synthetic household account with meters (the demo has a few dozen users).
  await sql`insert into users (login, password_hash, role, customer_kind)
    select 'bench' || a.id, 'x', 'customer', 'individual' from accounts a
    where a.kind = 'individual' and exists (select 1 from meters m where m.account_id = a.id)
      and not exists (select 1 from user_accounts ua where ua.account_id = a.id)
    order by a.id limit 400`.execute(handle.db);
  await sql`insert into user_accounts (user_id, account_id)
    select u.id, substr(u.login, 6)::int from users u where u.login like 'bench%'`.execute(handle.db);
  await sql`analyze`.execute(handle.db);
  await handle.close();
  process.exit(0);
}

const config = loadConfig({
  LOG_LEVEL: 'warn',
  ...process.env,
  NODE_ENV: 'production',
  SESSION_SECRET: 'x'.repeat(40),
  SMTP_URL: 'smtp://127.0.0.1:2525',
  PUBLIC_URL: 'https://cabinet.example',
  DATABASE_URL: URL_,
});
const app = await buildApp({ db: handle.db, config, engine: handle.engine });
await app.ready();

interface Customer {
  cookie: string;
  csrf: string;
  /** Meter fields of the form and the litres of each meter's previous reading. */
  fields: [string, number][];
  start: number;
  /** The customer's own client address: the readings form is limited per client and per user. */
  address: string;
}

async function customers(): Promise<Customer[]> {
  // The month's cabinet submissions of an earlier run (a meter takes 20 a month), and the counts of
  // the readings form's limit (30 forms a user in 10 minutes), which an earlier run used up.
  await sql`delete from rate_limits where key like 'action|readings.form|%'`.execute(handle.db);
  await sql`delete from readings where submitted_by in (select id from users where login like 'bench%')
    and period = ${monthStart(periodOf(new Date()))}`.execute(handle.db);
  const users = await handle.db
    .selectFrom('users')
    .innerJoin('user_accounts', 'user_accounts.user_id', 'users.id')
    .select(['users.id', 'user_accounts.account_id'])
    .where('users.login', 'like', 'bench%')
    .orderBy('users.id')
    .limit(SESSIONS * 2)
    .execute();
  const out: Customer[] = [];
  for (const u of users) {
    if (out.length >= SESSIONS) break;
    const { secret } = await createSession(handle.db, { userId: u.id, persistent: true });
    const res = await app.inject({ url: '/cabinet/readings', headers: { cookie: `sid=${secret}` } });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1];
    if (res.statusCode !== 200 || !csrf) throw new Error(`readings page: ${res.statusCode}`);
    const cookies = res.cookies.map((c) => `${c.name}=${c.value}`);
    const shown = new Set([...res.body.matchAll(/name="(m_\d+)"/g)].map((m) => m[1]!));
    const states = await meterStates(handle.db, u.account_id, monthStart(periodOf(new Date())));
    const fields = states
      .filter((m) => shown.has(`m_${m.id}`))
      .map((m): [string, number] => [`m_${m.id}`, (m.prevValueL ?? 0) + 1_000]);
    if (fields.length === 0 || fields.length !== shown.size) continue;
    const address = `10.9.${out.length >> 8}.${out.length & 255}`;
    out.push({ cookie: [`sid=${secret}`, ...cookies].join('; '), csrf, fields, start: 0, address });
  }
  return out;
}

const tag = Date.now().toString(36);
let turn = 0;

async function request(route: string, c: Customer) {
  turn += 1;
  const headers = { ...BROWSER, cookie: c.cookie };
  // As this customer's browser: its cookies, from its own address.
  const as = { headers, remoteAddress: c.address };
  let res: Awaited<ReturnType<typeof app.inject>>;
  let expect = 200;
  switch (route) {
    case 'readings':
      res = await app.inject({ url: '/cabinet/readings', ...as });
      break;
    case 'history':
      res = await app.inject({ url: '/cabinet/readings/history', ...as });
      break;
    case 'invoice':
      res = await app.inject({ url: `/cabinet/invoice?period=${PERIOD}`, ...as });
      break;
    case 'settlement':
      res = await app.inject({ url: '/cabinet/settlement', ...as });
      break;
    case 'pdf':
      res = await app.inject({ url: `/cabinet/invoice.pdf?period=${PERIOD}`, ...as });
      break;
    case 'submit': {
      // Each submission corrects the month's previous one upwards by a litre: accepted every time.
      c.start += 1;
      const values = c.fields.map(([f, l]) => `&${f}=${formatMeterReading(l + c.start)}`).join('');
      res = await app.inject({
        method: 'POST',
        url: '/cabinet/readings',
        remoteAddress: c.address,
        headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
        payload: `_csrf=${encodeURIComponent(c.csrf)}${values}&key=${tag}t${turn}`,
      });
      expect = 303;
      break;
    }
    default:
      throw new Error(`unknown route ${route}`);
  }
  if (res.statusCode !== expect) {
    const body =
      res.headers['content-encoding'] === 'br' ? brotliDecompressSync(res.rawPayload) : res.rawPayload;
    const text = body.toString().replace(/\s+/g, ' ');
    const main = text.slice(text.indexOf('<main'));
    throw new Error(`${route}: ${res.statusCode} ${main.slice(0, 8000)}`);
  }
}

/** CPU milliseconds so far of this database's backends (other than this question's own). */
async function databaseCpuMs(): Promise<number> {
  const rows = await sql<{
    pid: number;
  }>`select pid from pg_stat_activity where datname = current_database()`.execute(handle.db);
  let ticks = 0;
  for (const { pid } of rows.rows) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // a backend that ended between the question and the read
    }
  }
  return ticks * 10;
}

const people = await customers();
/** CPU_QUERIES=1: the statements one request of each route sends, instead of the CPU figures. */
if (process.env.CPU_QUERIES === '1') {
  const seen: string[] = [];
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const q = args[0] as string | { text: string };
    const text = (typeof q === 'string' ? q : q.text).replace(/\s+/g, ' ');
    const values = typeof q === 'string' ? args[1] : (q as { values?: unknown }).values;
    seen.push(process.env.CPU_FULL ? `${text} -- ${JSON.stringify(values)}` : text.slice(0, 160));
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  for (const route of ROUTES) {
    seen.length = 0;
    await request(route, people[0]!);
    console.log(`${route}: ${seen.length} statements`);
    for (const q of seen) console.log(`  ${q}`);
  }
  process.exit(0);
}
if (people.length === 0) throw new Error('no customer with meters');
console.log(`${people.length} customers`);
for (let i = 0; i < 3; i++) for (const r of ROUTES) for (const c of people) await request(r, c);

const REPEAT = Math.max(1, Math.ceil(40 / people.length));
const BLOCK = people.length * REPEAT;
const totals = new Map(ROUTES.map((r) => [r, { app: 0, db: 0, n: 0 }]));
for (let done = 0; done < ROUNDS; done += BLOCK) {
  for (const route of ROUTES) {
    const db0 = await databaseCpuMs();
    const cpu0 = process.cpuUsage();
    for (let k = 0; k < REPEAT; k++) for (const c of people) await request(route, c);
    const cpu = process.cpuUsage(cpu0);
    const db1 = await databaseCpuMs();
    const t = totals.get(route)!;
    t.app += (cpu.user + cpu.system) / 1000;
    t.db += db1 - db0;
    t.n += BLOCK;
  }
}
for (const [route, t] of totals)
  console.log(
    `${route.padEnd(10)} app ${(t.app / t.n).toFixed(2)} ms  db ${(t.db / t.n).toFixed(2)} ms  n ${t.n}`,
  );
await app.close();
await handle.close();
