import Fastify, { type FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { buildApp } from './app';
import { type Config, ConfigError, loadConfig, startupWarnings } from './config';
import {
  type DatabaseHandle,
  DatabaseUnavailableError,
  openConfiguredDatabase,
  openReadDatabase,
} from './db/database';
import { migrateToLatest } from './db/migrate';
import { loadDemoDataIfEmpty } from './demo/demo-data';
import { closePdfThreads, configurePdfThreads, startPdfThreads } from './documents/pdf-threads';
import { startInstance, stopInstance } from './jobs/instance';
import { registerDatabaseGauges } from './ops/metrics';
import { lowerCpuPriority } from './ops/priority';
import { createHealth, healthRoutes } from './web/health';
import { installMetrics } from './web/metrics';
import { startWorkers, type Workers } from './workers';

/** A shutdown that takes longer than this (a stuck request or job) ends the process anyway. */
const SHUTDOWN_TIMEOUT_MS = 30_000;

/**
 * Starts the portal: configuration, database, migrations, demo data, HTTP server, workers.
 * ROLE (decision 125): `all` does everything in one process; `web` serves pages and runs no
 * scheduled jobs; `worker` runs the jobs and answers only /health and /metrics.
 */
async function main() {
  const config = loadConfig();
  for (const warning of startupWarnings(config)) console.warn(warning);
  // Before the process starts threads of its own (they take the priority of the one starting them).
  if (config.ROLE === 'worker') lowerCpuPriority(config.WORKER_NICE);
  const handle = await openConfiguredDatabase(config);
  const readHandle = config.ROLE === 'worker' ? undefined : await openReadDatabase(config);
  let app: FastifyInstance | undefined;
  let workers: Workers | undefined;
  const health = createHealth();
  health.jobsExpected = config.ROLE !== 'web';
  // Graceful: /health/ready says 503 at once; the server takes no new connections and finishes
  // the requests in flight; the workers stop between two items and give their jobs back; the
  // instance's connection (and with it every run lock) is closed last.
  const shutdown = async (code: number) => {
    if (health.shuttingDown) return;
    health.shuttingDown = true;
    setTimeout(() => process.exit(code || 1), SHUTDOWN_TIMEOUT_MS).unref();
    await app?.close().catch(() => {});
    await workers?.stop().catch(() => {});
    await closePdfThreads().catch(() => {});
    await stopInstance(handle.db).catch(() => {});
    await readHandle?.close().catch(() => {});
    await handle.close().catch(() => {});
    process.exit(code);
  };
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));

  await migrateToLatest(handle.db);
  await startInstance(handle.db);
  if (wantsDemo(config, handle)) {
    const loaded = await loadDemoDataIfEmpty(handle.db, { log: (line) => console.log(line) });
    if (loaded) console.log('Demo data loaded. Demo logins are listed in README.md.');
  }
  // The PDF threads are loaded before the process takes requests or jobs, not with the first PDF
  // under the month-end's load (decision 194).
  configurePdfThreads(config.PDF_THREADS);
  await startPdfThreads();
  app =
    config.ROLE === 'worker'
      ? await buildWorkerApp(config, handle, health)
      : await buildApp({ db: handle.db, dbRead: readHandle?.db, config, engine: handle.engine, health });
  try {
    await app.listen({ port: config.PORT, host: config.HOST });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    await handle.close().catch(() => {});
    if (code === 'EADDRINUSE')
      fail(`Port ${config.PORT} is already in use. Stop the other program or set PORT.`);
    if (code === 'EACCES')
      fail(`Not allowed to listen on port ${config.PORT}. Set PORT to a port above 1024.`);
    throw error;
  }
  if (config.ROLE !== 'web')
    workers = await startWorkers({ db: handle.db, config, engine: handle.engine, log: app.log, health });
  const what = config.ROLE === 'worker' ? 'Worker ready (health and metrics)' : 'Portal ready';
  const reads = readHandle ? `, reads that tolerate lag: ${readHandle.describe}` : '';
  console.log(
    `${what} on http://localhost:${config.PORT} (role ${config.ROLE}, database: ${handle.describe}${reads})`,
  );
}

/**
 * The worker's HTTP side: /health/live, /health/ready and /metrics (queue depth, outbox), no
 * pages. Its logger is the one the workers log with.
 */
async function buildWorkerApp(
  config: Config,
  handle: DatabaseHandle,
  health: ReturnType<typeof createHealth>,
) {
  const app = Fastify({
    logger: config.LOG_LEVEL === 'silent' ? false : { level: config.LOG_LEVEL },
  });
  const registry = new Registry();
  registerDatabaseGauges(registry, { db: handle.db, engine: handle.engine });
  installMetrics(app, { token: config.METRICS_TOKEN, registry });
  await healthRoutes(app, { db: handle.db, engine: handle.engine, health });
  return app;
}

function wantsDemo(config: Config, handle: DatabaseHandle): boolean {
  if (config.DEMO_DATA === 'yes') return true;
  if (config.DEMO_DATA === 'no') return false;
  return handle.engine === 'pglite';
}

function fail(line: string): never {
  console.error(line);
  process.exit(1);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof DatabaseUnavailableError) fail(error.message);
  console.error(`Cannot start: ${(error as Error)?.message ?? String(error)}`);
  process.exit(1);
});
