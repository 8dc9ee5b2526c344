import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { closeMonth } from '../src/billing/month-closer.service';
import { addMonths, periodRange } from '../src/calendar/calendar';
import { type DatabaseHandle, openDatabase } from '../src/db/database';
import { migrateToLatest } from '../src/db/migrate';
import { importPath } from '../src/exchange/import.service';
import { formatM3 } from '../src/money/litres';
import type { BenchRow } from './run';

interface BenchResult {
  name: string;
  items: number;
  unit: string;
  seconds: number;
  /** Another result of this bench to compare the rate with (measured in the same run). */
  baseline?: string;
  goal?: string;
}

/** The runner's table: one row per measurement, the comparison with its baseline in the note. */
export default async function exchangeBench(): Promise<BenchRow[]> {
  const results = await run();
  return results.map((r) => {
    const base = r.baseline ? results.find((x) => x.name === r.baseline) : undefined;
    const ratio = base
      ? ` = ${((r.items / r.seconds / (base.items / base.seconds)) * 100).toFixed(0)}% of ${base.name}`
      : '';
    return {
      bench: 'exchange',
      case: `${r.name} (${r.unit})`,
      requests: r.items,
      errors: 0,
      seconds: r.seconds,
      perSecond: r.items / r.seconds,
      p50Ms: 0,
      p99Ms: 0,
      note: `${ratio.slice(3)}${r.goal ? `${ratio ? '; ' : ''}goal ${r.goal}` : ''}`,
    };
  });
}

/**
 * Import of a city from the billing system's CSV files into PostgreSQL, next to raw COPY of the
 * same rows into the same tables (measured in the same run, in a second scratch database), and a
 * billing run over every account. Size: BENCH_ACCOUNTS (default 100,000; two meters each) and
 * BENCH_MONTHS (default 36). Server: BENCH_DATABASE_URL or TEST_DATABASE_URL.
 */
export async function run(): Promise<BenchResult[]> {
  const accounts = Number(process.env.BENCH_ACCOUNTS ?? 100_000);
  const months = Number(process.env.BENCH_MONTHS ?? 36);
  const server =
    process.env.BENCH_DATABASE_URL ??
    process.env.TEST_DATABASE_URL ??
    'postgres://postgres@127.0.0.1:5432/postgres';
  const last = '2026-10';
  const periods = periodRange(addMonths(last, -(months - 1)), last);
  const dir = mkdtempSync(join(tmpdir(), 'exchange-bench-'));
  const log = (line: string) => process.stderr.write(`exchange bench: ${line}\n`);
  log(`generating ${accounts} accounts, ${accounts * 2} meters, ${months} months in ${dir}`);
  const counts = generate(dir, accounts, periods);

  const scratch: { handle: DatabaseHandle; drop: () => Promise<void> }[] = [];
  const results: BenchResult[] = [];
  try {
    const a = await scratchDatabase(server, 'import');
    scratch.push(a);
    const b = await scratchDatabase(server, 'copy');
    scratch.push(b);

    // Reference data (streets ... meters, rates), then the ledgers, each file timed.
    const time = async <T>(task: () => Promise<T>) => {
      const started = process.hrtime.bigint();
      const value = await task();
      return { value, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
    };
    for (const kind of ['streets', 'buildings', 'premises', 'accounts', 'meters', 'rates']) {
      for (const handle of [a.handle, b.handle]) {
        const files =
          kind === 'rates'
            ? ['tariffs.csv', 'vat_rates.csv', 'norms.csv', 'penalty_rates.csv']
            : [`${kind}.csv`];
        for (const f of files) {
          const [report] = await importPath(handle.db, join(dir, f));
          if (report?.status !== 'succeeded')
            throw new Error(`${f}: ${JSON.stringify(report?.problems.slice(0, 3))}`);
        }
      }
    }
    let importRows = 0;
    let importSeconds = 0;
    let copyRows = 0;
    let copySeconds = 0;
    for (const kind of ['readings', 'charges', 'payments'] as const) {
      log(`importing ${counts[kind]} ${kind}`);
      const imported = await time(() => importPath(a.handle.db, join(dir, `${kind}.csv`)));
      const report = imported.value[0];
      if (report?.status !== 'succeeded')
        throw new Error(`${kind}: ${JSON.stringify(report?.problems.slice(0, 3))}`);
      importRows += report.rowsRead;
      importSeconds += imported.seconds;
      log(`copying ${counts[kind]} ${kind}`);
      const chunks = await copyText(b.handle, kind, dir, periods, accounts);
      const copied = await time(() => copyInto(b.url, kind, chunks));
      copyRows += counts[kind];
      copySeconds += copied.seconds;
      results.push(
        { name: `raw COPY ${kind}`, items: counts[kind], unit: 'rows', seconds: copied.seconds },
        {
          name: `import ${kind}.csv`,
          items: report.rowsRead,
          unit: 'rows',
          seconds: imported.seconds,
          baseline: `raw COPY ${kind}`,
          goal: '>= 50% of COPY',
        },
      );
    }
    results.push(
      { name: 'raw COPY, all ledgers', items: copyRows, unit: 'rows', seconds: copySeconds },
      {
        name: 'import, all ledgers',
        items: importRows,
        unit: 'rows',
        seconds: importSeconds,
        baseline: 'raw COPY, all ledgers',
        goal: '>= 50% of COPY',
      },
    );
    log('billing run');
    const billing = await time(() => closeMonth(a.handle.db, last));
    results.push({
      name: `billing run ${last}`,
      items: billing.value.accounts,
      unit: 'accounts',
      seconds: billing.seconds,
      goal: '< 60 s',
    });
  } finally {
    if (!process.env.BENCH_KEEP) for (const s of scratch) await s.drop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

async function scratchDatabase(server: string, label: string) {
  const name = `bench_exchange_${label}_${process.pid}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`drop database if exists ${name}`);
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ url: url.toString(), poolSize: 4 });
  await migrateToLatest(handle.db);
  return {
    handle,
    url: url.toString(),
    async drop() {
      await handle.close();
      const c = new pg.Client({ connectionString: server });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** Writes the billing system's files: a city of `accounts` accounts with two meters each. */
export function generate(dir: string, accounts: number, periods: string[]) {
  const open = (name: string, header: string) => {
    const fd = openSync(join(dir, name), 'w');
    let buffer: string[] = [header];
    let size = 0;
    let rows = 0;
    return {
      row(line: string) {
        buffer.push(line);
        size += line.length;
        rows += 1;
        if (size > 1 << 20) {
          writeSync(fd, `${buffer.join('\n')}\n`);
          buffer = [];
          size = 0;
        }
      },
      close() {
        writeSync(fd, `${buffer.join('\n')}\n`);
        closeSync(fd);
        return rows;
      },
    };
  };
  const write = (name: string, header: string, lines: string[]) => {
    const f = open(name, header);
    for (const l of lines) f.row(l);
    f.close();
  };
  write('tariffs.csv', 'service,customer_kind,effective_from,price_per_m3', [
    'cold_water,individual,2019-01-01,59.34',
    'sewage,individual,2019-01-01,58.85',
    'cold_water,legal,2019-01-01,120.10',
    'sewage,legal,2019-01-01,98.00',
  ]);
  write('vat_rates.csv', 'effective_from,rate_percent', ['2019-01-01,12', '2026-01-01,16']);
  write('norms.csv', 'kind,effective_from,volume_m3,season_from_month,season_to_month', [
    'cold_per_person,2019-01-01,3.5,,',
    'hot_per_person,2019-01-01,2.1,,',
    'irrigation_per_m2,2019-01-01,0.12,5,9',
  ]);
  write('penalty_rates.csv', 'effective_from,refinancing_rate_percent,coefficient', ['2019-01-01,16.5,1']);
  const streets = open('streets.csv', 'code,name');
  for (let s = 1; s <= 200; s++) streets.row(`S${s},Көше ${s}`);
  streets.close();
  const buildings = open('buildings.csv', 'code,street,number,prefix');
  const premises = open('premises.csv', 'code,building,apartment');
  const acc = open('accounts.csv', 'number,kind,premise,owner_name,owner_surname,residents,opened_on');
  const meters = open(
    'meters.csv',
    'code,account,input_no,location,water,serial,verification_due,installed_on',
  );
  const readings = open('readings.csv', 'meter,period,value_m3,read_on,source');
  const charges = open(
    'charges.csv',
    'account,period,service,basis,volume_m3,tariff_per_m3,vat_percent,amount',
  );
  const payments = open('payments.csv', 'code,account,paid_on,period,amount,kind');
  for (let i = 1; i <= accounts; i++) {
    const b = Math.ceil(i / 40);
    if (i % 40 === 1) buildings.row(`B${b},S${(b % 200) + 1},${b},`);
    premises.row(`P${i},B${b},${((i - 1) % 40) + 1}`);
    const number = String(10_000_000 + i);
    acc.row(`${number},individual,P${i},Тұрғын ${i},Тұрғын,${1 + (i % 5)},2015-01-01`);
    let cold = (i * 37) % 100_000;
    let hot = (i * 53) % 50_000;
    meters.row(`C${i},${number},1,С/узел,cold,${20_000_000 + i},2031-01-01,2019-06-01`);
    meters.row(`H${i},${number},1,С/узел,hot,${30_000_000 + i},2031-01-01,2019-06-01`);
    for (const [k, p] of periods.entries()) {
      const dc = 1500 + ((i + k * 7) % 5000);
      const dh = 800 + ((i + k * 11) % 2500);
      cold += dc;
      hot += dh;
      readings.row(`C${i},${p},${formatM3(cold)},${p}-25,billing`);
      readings.row(`H${i},${p},${formatM3(hot)},${p}-25,billing`);
      charges.row(
        `${number},${p},cold_water,meter,${formatM3(dc)},59.34,12,${((dc * 5934 * 1.12) / 100_000).toFixed(2)}`,
      );
      charges.row(
        `${number},${p},sewage,meter,${formatM3(dc + dh)},58.85,12,${(((dc + dh) * 5885 * 1.12) / 100_000).toFixed(2)}`,
      );
      payments.row(`PAY-${number}-${p},${number},${p}-10,${p},${(1000 + (i % 900)).toFixed(2)},regular`);
    }
  }
  buildings.close();
  premises.close();
  acc.close();
  meters.close();
  return { readings: readings.close(), charges: charges.close(), payments: payments.close() };
}

/**
 * The same rows as the CSV files, already in the tables' own shape (ids resolved), in COPY's text
 * format; prepared before the clock starts so only the server's work is timed.
 */
async function copyText(
  handle: DatabaseHandle,
  kind: 'readings' | 'charges' | 'payments',
  _dir: string,
  periods: string[],
  accounts: number,
): Promise<string[]> {
  const ids = new Map<string, number>();
  const rows =
    kind === 'readings'
      ? await handle.db.selectFrom('meters').select(['code as k', 'id']).execute()
      : await handle.db.selectFrom('accounts').select(['number as k', 'id']).execute();
  for (const r of rows) ids.set(r.k, r.id);
  const chunks: string[] = [];
  let buffer: string[] = [];
  const push = (line: string) => {
    buffer.push(line);
    if (buffer.length >= 20_000) {
      chunks.push(`${buffer.join('\n')}\n`);
      buffer = [];
    }
  };
  const now = new Date().toISOString();
  for (let i = 1; i <= accounts; i++) {
    const number = String(10_000_000 + i);
    let cold = (i * 37) % 100_000;
    let hot = (i * 53) % 50_000;
    for (const [k, p] of periods.entries()) {
      const dc = 1500 + ((i + k * 7) % 5000);
      const dh = 800 + ((i + k * 11) % 2500);
      cold += dc;
      hot += dh;
      const date = `${p}-01`;
      if (kind === 'readings') {
        push(
          `billing:C${i}:${p}-25\t${ids.get(`C${i}`)}\t${date}\t${cold}\t${p}-25\tbilling\t${now}\t${now}`,
        );
        push(`billing:H${i}:${p}-25\t${ids.get(`H${i}`)}\t${date}\t${hot}\t${p}-25\tbilling\t${now}\t${now}`);
      } else if (kind === 'charges') {
        const a = ids.get(number);
        push(`${a}\t${date}\tcold_water\tmeter\t${dc}\t5934\t1200\t${Math.round((dc * 5934 * 1.12) / 1000)}`);
        push(
          `${a}\t${date}\tsewage\tmeter\t${dc + dh}\t5885\t1200\t${Math.round(((dc + dh) * 5885 * 1.12) / 1000)}`,
        );
      } else {
        push(
          `PAY-${number}-${p}\t${ids.get(number)}\t${p}-10\t${date}\t${(1000 + (i % 900)) * 100}\tregular\tbilling`,
        );
      }
    }
  }
  if (buffer.length) chunks.push(`${buffer.join('\n')}\n`);
  return chunks;
}

const COPY_COLUMNS = {
  readings: 'idempotency_key, meter_id, period, value_l, read_on, source, exported_at, submitted_at',
  charges: 'account_id, period, service, basis, quantity_l, tariff_tiyn_per_m3, vat_bp, amount_tiyn',
  payments: 'code, account_id, paid_on, period, amount_tiyn, kind, source',
};

async function copyInto(url: string, kind: keyof typeof COPY_COLUMNS, chunks: string[]) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('begin');
    const stream = client.query(copyFrom(`copy ${kind} (${COPY_COLUMNS[kind]}) from stdin`));
    await pipeline(Readable.from(chunks), stream);
    await client.query('commit');
  } finally {
    await client.end();
  }
}
