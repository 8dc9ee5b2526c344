/**
 * The monthly invoice mailing end to end in this process (npm run bench -- delivery): a city of
 * DELIVERY_ACCOUNTS accounts (2,000) × DELIVERY_MONTHS months (12) on PostgreSQL, built as the city
 * bench builds it and kept as the database `bench_delivery` for the next run; DELIVERY_MESSAGES
 * subscribers (600) are queued by runInvoiceMailing and their messages delivered by deliverDueMail
 * (batches of 40, as the app's delivery task) through the pooled SMTP transport into a real SMTP
 * server in a process of its own.
 *
 * What it prints is the CPU time (user + system) of this process and of the database backends of
 * its database per queued recipient and per delivered message, after a warm-up mailing of the
 * month before (fonts parsed, code compiled, connections open). On a shared machine these CPU
 * milliseconds move much less than the rates; compare old and new code by running this bench for
 * each in turn. The last line on stderr (`delivery cpu ...`) carries the same figures for scripts.
 * Server: BENCH_DATABASE_URL or postgres://postgres@127.0.0.1:5432/postgres. Linux only (/proc).
 */
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import pg from 'pg';
import { monthStart, type Period } from '../src/calendar/calendar';
import { paymentSettings } from '../src/config';
import { type DatabaseHandle, openDatabase } from '../src/db/database';
import { runInvoiceMailing, startInvoiceMailing } from '../src/documents/mailing';
import { deliverDueMail, mailTransport } from '../src/mail/delivery';
import { LAST, loadCity } from './city.bench';
import type { BenchRow } from './run';
import { startSmtpSink } from './smtp-sink';

const SERVER = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ACCOUNTS = Number(process.env.DELIVERY_ACCOUNTS ?? 2000);
const MONTHS = Number(process.env.DELIVERY_MONTHS ?? 12);
const MESSAGES = Math.min(Number(process.env.DELIVERY_MESSAGES ?? 600), ACCOUNTS);
const WARMUP = 40;
const BATCH = 40;
const DB_NAME = 'bench_delivery';
const FROM = 'Vodokanal cabinet <cabinet@vodokanal.local>';

const log = (line: string) => process.stderr.write(`delivery bench: ${line}\n`);

/** CPU ms of a process from /proc (utime + stime, clock ticks of 10 ms); 0 when it is gone. */
function procMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/**
 * CPU ms of this process and of the database's backends (each counted from its first sight). The
 * backends are listed on a connection of its own, so none of the measured ones hides as "this one".
 */
class Cpu {
  private app = 0;
  private db = new Map<number, number>();
  private constructor(private readonly client: pg.Client) {}

  static async open(url: string): Promise<Cpu> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    return new Cpu(client);
  }

  close() {
    return this.client.end();
  }

  private async backends(): Promise<Map<number, number>> {
    const rows = await this.client.query<{ pid: number }>(
      'select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
    );
    return new Map(rows.rows.map((r) => [r.pid, procMs(r.pid)]));
  }

  async start() {
    const usage = process.cpuUsage();
    this.app = (usage.user + usage.system) / 1000;
    this.db = await this.backends();
  }

  async lap(): Promise<{ app: number; db: number }> {
    const usage = process.cpuUsage();
    const app = (usage.user + usage.system) / 1000 - this.app;
    let db = 0;
    for (const [pid, ms] of await this.backends()) db += ms - (this.db.get(pid) ?? 0);
    await this.start();
    return { app, db };
  }
}

function databaseUrl(): string {
  const url = new URL(SERVER);
  url.pathname = `/${DB_NAME}`;
  return url.toString();
}

async function ensureCity(): Promise<DatabaseHandle> {
  const admin = new pg.Client({ connectionString: SERVER });
  await admin.connect();
  const url = databaseUrl();
  let fresh = false;
  try {
    const exists = await admin.query('select 1 from pg_database where datname = $1', [DB_NAME]);
    if (exists.rowCount) {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      const users = await c
        .query(`select count(*)::int as n from users where login like '1%'`)
        .catch(() => ({ rows: [{ n: 0 }] }));
      await c.end();
      fresh = users.rows[0].n < ACCOUNTS;
    } else fresh = true;
    if (fresh) {
      await admin.query(`drop database if exists ${DB_NAME} with (force)`);
      await admin.query(`create database ${DB_NAME}`);
    }
  } finally {
    await admin.end();
  }
  const handle = await openDatabase({ url, poolSize: 10 });
  if (fresh) await loadCity(handle, ACCOUNTS, MONTHS);
  else log(`reusing database ${DB_NAME}`);
  return handle;
}

/** A month's mailing to the first `count` subscribers, nothing of it queued yet, the outbox empty. */
async function freshMailing(handle: DatabaseHandle, period: Period, count: number) {
  const db = handle.db;
  await db.deleteFrom('invoice_mailing_recipients').where('period', '=', monthStart(period)).execute();
  await db.deleteFrom('invoice_mailings').where('period', '=', monthStart(period)).execute();
  await db.deleteFrom('mail_outbox').execute();
  await startInvoiceMailing(db, null, period);
  await sql`delete from invoice_mailing_recipients where period = ${monthStart(period)}::date
    and user_id not in (select user_id from invoice_mailing_recipients
      where period = ${monthStart(period)}::date order by user_id limit ${count})`.execute(db);
}

/** Moves the recipients of the month after the first `first` from one status to another. */
async function parkAfter(handle: DatabaseHandle, first: number, from: string, to: string) {
  const period = monthStart(LAST);
  await sql`update invoice_mailing_recipients set status = ${to}
    where period = ${period}::date and status = ${from}
      and user_id not in (select user_id from invoice_mailing_recipients
        where period = ${period}::date order by user_id limit ${first})`.execute(handle.db);
}

/** Delivers until a batch comes back short; the counts of the reports. */
async function deliverAll(handle: DatabaseHandle, transport: ReturnType<typeof mailTransport>) {
  const payee = paymentSettings({});
  const total = { sent: 0, retried: 0, failed: 0 };
  for (;;) {
    const r = await deliverDueMail(handle.db, transport, payee, BATCH, FROM);
    total.sent += r.sent;
    total.retried += r.retried;
    total.failed += r.failed;
    if (r.sent + r.retried + r.failed < BATCH) return total;
  }
}

function row(name: string, count: number, seconds: number, spent: { app: number; db: number }): BenchRow {
  const app = spent.app / count;
  const db = spent.db / count;
  return {
    bench: 'delivery',
    case: name,
    requests: count,
    errors: 0,
    seconds,
    perSecond: count / seconds,
    p50Ms: 0,
    p99Ms: 0,
    note: `CPU app ${app.toFixed(2)} + db ${db.toFixed(2)} ms each; 2 cores alone: ~${Math.round(2000 / (app + db))}/s`,
  };
}

export default async function deliveryBench(): Promise<BenchRow[]> {
  const handle = await ensureCity();
  const sink = await startSmtpSink();
  const transport = mailTransport({ SMTP_URL: sink.url });
  try {
    // Warm-up, not counted: the first WARMUP recipients queued and delivered, the others parked.
    await freshMailing(handle, LAST, WARMUP + MESSAGES);
    await parkAfter(handle, WARMUP, 'pending', 'skipped');
    await runInvoiceMailing(handle.db, LAST, { perSecond: 1e9 });
    await deliverAll(handle, transport);
    await parkAfter(handle, WARMUP, 'skipped', 'pending');

    const cpu = await Cpu.open(databaseUrl());
    await cpu.start();
    let t0 = performance.now();
    const queued = await runInvoiceMailing(handle.db, LAST, { perSecond: 1e9 });
    const queueSeconds = (performance.now() - t0) / 1000;
    const queueCpu = await cpu.lap();
    t0 = performance.now();
    const delivered = await deliverAll(handle, transport);
    const deliverSeconds = (performance.now() - t0) / 1000;
    const deliverCpu = await cpu.lap();
    await cpu.close();

    const received = (await sink.count()) - WARMUP;
    if (queued !== MESSAGES || delivered.sent !== MESSAGES || received !== MESSAGES)
      throw new Error(
        `queued ${queued}, delivered ${JSON.stringify(delivered)}, the server took ${received}; expected ${MESSAGES}`,
      );
    const per = (x: { app: number; db: number }) =>
      `app ${(x.app / MESSAGES).toFixed(2)} db ${(x.db / MESSAGES).toFixed(2)}`;
    log(`delivery cpu queue ${per(queueCpu)} deliver ${per(deliverCpu)}`);
    return [
      row('queuing a recipient (runInvoiceMailing)', MESSAGES, queueSeconds, queueCpu),
      row('delivering a message (PDF rendered, SMTP)', MESSAGES, deliverSeconds, deliverCpu),
      row('a message end to end (queued and delivered)', MESSAGES, queueSeconds + deliverSeconds, {
        app: queueCpu.app + deliverCpu.app,
        db: queueCpu.db + deliverCpu.db,
      }),
    ];
  } finally {
    (transport as { close?: () => void }).close?.();
    await sink.close();
    await handle.close();
  }
}
