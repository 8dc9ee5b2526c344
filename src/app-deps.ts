import type { Config } from './config';
import type { DB, Engine } from './db/database';
import type { Health } from './web/health';

/**
 * What every capability's routes are given: the database, the settings, the engine and the
 * readiness state. In a module of its own so that capabilities import it without importing
 * app.ts, which imports them (no import cycle).
 */
export interface AppDeps {
  /** The primary: every write, and every read of what a customer or operator just changed. */
  db: DB;
  /**
   * A standby for the few read-only pages that tolerate replication lag (DATABASE_READ_URL,
   * decision 127); absent: they read `db`. Use it through `lagTolerantDb`, nowhere else.
   */
  dbRead?: DB | undefined;
  config: Config;
  engine: Engine;
  /** What /health/ready reports; main.ts keeps it (tests may leave it out: no job queue then). */
  health?: Health;
}

/**
 * The database of a read-only page that may show data a little behind the primary (a standby's
 * lag, usually under a second): the settlement statement, the readings history, the audit log.
 * Never for what the customer just submitted, nor for anything a write is decided on.
 */
export function lagTolerantDb(deps: Pick<AppDeps, 'db' | 'dbRead'>): DB {
  return deps.dbRead ?? deps.db;
}
