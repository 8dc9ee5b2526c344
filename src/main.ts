import type { FastifyInstance } from 'fastify';
import { buildApp } from './app';
import { type Config, ConfigError, loadConfig, startupWarnings } from './config';
import { type DatabaseHandle, DatabaseUnavailableError, openConfiguredDatabase } from './db/database';
import { migrateToLatest } from './db/migrate';
import { loadDemoDataIfEmpty } from './demo/demo-data';
import { startWorkers, type Workers } from './workers';

/** Starts the portal: configuration, database, migrations, demo data, HTTP server, workers. */
async function main() {
  const config = loadConfig();
  for (const warning of startupWarnings(config)) console.warn(warning);
  const handle = await openConfiguredDatabase(config);
  let app: FastifyInstance | undefined;
  let workers: Workers | undefined;
  const shutdown = async (code: number) => {
    await app?.close().catch(() => {});
    await workers?.stop().catch(() => {});
    await handle.close().catch(() => {});
    process.exit(code);
  };
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));

  await migrateToLatest(handle.db);
  if (wantsDemo(config, handle)) {
    const loaded = await loadDemoDataIfEmpty(handle.db, { log: (line) => console.log(line) });
    if (loaded) console.log('Demo data loaded. Demo logins are listed in README.md.');
  }
  app = await buildApp({ db: handle.db, config, engine: handle.engine });
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
  workers = await startWorkers({ db: handle.db, config, engine: handle.engine, log: app.log });
  console.log(`Portal ready on http://localhost:${config.PORT} (database: ${handle.describe})`);
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
