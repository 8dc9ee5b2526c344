/**
 * PgBouncer's pool mode, measured (decision 126): the cluster of `npm run cluster` with two app
 * instances behind HAProxy, once with PgBouncer in session mode (the app's named statements on)
 * and once in transaction mode (named statements off, DATABASE_PREPARED=no). The same customers
 * drive the same mix through HAProxy: the readings page, the settlement statement, a submission.
 * Prints requests/s, p50/p99 and errors per mode, and the server connections PgBouncer opened.
 *
 *   npx tsx bench/pooling.ts [seconds per mode, default 20] [modes in order, default session,transaction]
 *
 * Not part of `npm run bench` (it starts PostgreSQL, PgBouncer and HAProxy: scripts/cluster.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { missingPrograms, portsFrom, startCluster } from '../scripts/cluster';
import { openDatabase } from '../src/db/database';
import { getPage, signedInCustomers, submitReadings } from '../test/helpers/cluster-customers';
import { percentile } from './http-load';

const SECONDS = Number(process.argv[2] ?? 20);
const CONCURRENCY = 16;
const CUSTOMERS = 60;

const missing = missingPrograms();
if (missing.length > 0) {
  console.error(`bench/pooling.ts needs: ${missing.join('; ')}`);
  process.exit(1);
}

interface Row {
  mode: string;
  requests: number;
  errors: number;
  perSecond: number;
  p50: number;
  p99: number;
  serverConnections: number;
}

async function measure(pool: 'session' | 'transaction'): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), `cabinet-pooling-${pool}-`));
  const cluster = await startCluster({
    dir,
    apps: 2,
    pool,
    ports: portsFrom(5491),
    demo: false,
    worker: false,
    env: { LOG_LEVEL: 'error', READING_MAX_PER_MONTH: '100000' },
  });
  const handle = await openDatabase({ url: cluster.primaryUrl, poolSize: 2 });
  try {
    const customers = await signedInCustomers(handle.db, cluster.url, CUSTOMERS);
    const latencies: number[] = [];
    let errors = 0;
    let peakServers = 0;
    const t0 = performance.now();
    const deadline = t0 + SECONDS * 1000;
    const watch = setInterval(() => {
      sql<{
        n: number;
      }>`select count(*)::int as n from pg_stat_activity where datname = 'cabinet' and backend_type = 'client backend'`
        .execute(handle.db)
        .then(({ rows }) => {
          peakServers = Math.max(peakServers, (rows[0]?.n ?? 1) - 1);
        })
        .catch(() => {});
    }, 500);
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, worker) => {
        for (let n = 0; performance.now() < deadline; n++) {
          const c = customers[(worker + n * CONCURRENCY) % customers.length]!;
          const s = performance.now();
          let ok: boolean;
          // The mix: 2 readings pages, 1 statement, 1 submission in every 4 requests.
          if (n % 4 === 3)
            ok = (await submitReadings(cluster.url, c, `pool-${pool}-w${worker}-n${n}`)) === 303;
          else if (n % 4 === 2)
            ok = (await getPage(cluster.url, '/cabinet/settlement', c.cookie)).status === 200;
          else ok = (await getPage(cluster.url, '/cabinet/readings', c.cookie)).status === 200;
          latencies.push(performance.now() - s);
          if (!ok) errors += 1;
        }
      }),
    );
    clearInterval(watch);
    const seconds = (performance.now() - t0) / 1000;
    return {
      mode: pool,
      requests: latencies.length,
      errors,
      perSecond: latencies.length / seconds,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      serverConnections: peakServers,
    };
  } finally {
    await handle.close();
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const rows: Row[] = [];
const modes = (process.argv[3] ?? 'session,transaction').split(',') as ('session' | 'transaction')[];
for (const mode of modes) {
  process.stderr.write(`measuring PgBouncer pool_mode=${mode} for ${SECONDS} s...\n`);
  rows.push(await measure(mode));
}
console.log('| pool mode | requests | errors | per second | p50 ms | p99 ms | server connections (peak) |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows)
  console.log(
    `| ${r.mode} | ${r.requests} | ${r.errors} | ${r.perSecond.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.serverConnections} |`,
  );
process.exit(0);
