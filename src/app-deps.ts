import type { Config } from './config';
import type { DB, Engine } from './db/database';
import type { Health } from './web/health';

/**
 * What every capability's routes are given: the database, the settings, the engine and the
 * readiness state. In a module of its own so that capabilities import it without importing
 * app.ts, which imports them (no import cycle).
 */
export interface AppDeps {
  db: DB;
  config: Config;
  engine: Engine;
  /** What /health/ready reports; main.ts keeps it (tests may leave it out: no job queue then). */
  health?: Health;
}
