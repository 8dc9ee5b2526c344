import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { PGliteDialect } from './pglite-dialect';
import type { Database } from './schema';
import { identity, OID, parseInt8 } from './types';

export type Engine = 'postgres' | 'pglite';
export type DB = Kysely<Database>;

export interface DatabaseHandle {
  db: DB;
  engine: Engine;
  /** Where the data lives, without credentials. */
  describe: string;
  close(): Promise<void>;
}

export class DatabaseUnavailableError extends Error {}

const pools = new WeakMap<DB, pg.Pool>();

/**
 * The connection pool behind a PostgreSQL server database, for what Kysely does not speak
 * (COPY FROM STDIN in the exchange import); undefined for the embedded database.
 */
export function serverPool(db: DB): pg.Pool | undefined {
  return pools.get(db);
}

export interface OpenOptions {
  /** PostgreSQL connection string; when absent, the embedded database. */
  url?: string | undefined;
  /** Directory for the embedded database; 'memory://' keeps it in memory. */
  dataDir?: string;
  poolSize?: number;
}

export async function openDatabase(options: OpenOptions): Promise<DatabaseHandle> {
  return options.url
    ? openPostgres(options.url, options.poolSize ?? 10)
    : openPGlite(options.dataDir ?? './data/db');
}

async function openPostgres(url: string, max: number): Promise<DatabaseHandle> {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    connectionTimeoutMillis: 5000,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
        if (oid === OID.INT8) return parseInt8;
        if (oid === OID.NUMERIC || oid === OID.DATE) return identity;
        return pg.types.getTypeParser(oid, format);
      }) as typeof pg.types.getTypeParser,
    },
  });
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it on next use.
  });
  const safeUrl = redact(url);
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => {});
    throw new DatabaseUnavailableError(
      `Cannot connect to PostgreSQL at ${safeUrl}: ${(error as Error).message}`,
    );
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  pools.set(db, pool);
  return { db, engine: 'postgres', describe: safeUrl, close: () => db.destroy() };
}

async function openPGlite(dataDir: string): Promise<DatabaseHandle> {
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(dataDir, {
      parsers: { [OID.INT8]: parseInt8, [OID.NUMERIC]: identity, [OID.DATE]: identity },
    });
  } catch (error) {
    throw new DatabaseUnavailableError(
      `Cannot open the embedded database in ${dataDir}: ${(error as Error).message}`,
    );
  }
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return { db, engine: 'pglite', describe: `embedded PGlite (${dataDir})`, close: () => db.destroy() };
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'the configured DATABASE_URL';
  }
}

/** The database the configuration names: DATABASE_URL, or the embedded one under DATA_DIR/db. */
export function openConfiguredDatabase(config: { DATABASE_URL?: string | undefined; DATA_DIR: string }) {
  const dataDir = config.DATA_DIR.startsWith('memory://') ? config.DATA_DIR : `${config.DATA_DIR}/db`;
  return openDatabase({ url: config.DATABASE_URL, dataDir });
}
