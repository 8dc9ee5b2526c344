import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { type Compilable, Kysely, PostgresDialect, type PostgresPool, sql } from 'kysely';
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

const PREPARED_MARK = '/* prepared */ ';
const MAX_PREPARED = 64;

/**
 * Put at the very front of a hot statement (`sql\`${prepared}select ...\``): on PostgreSQL it is
 * then parsed and planned once per connection and reused, instead of on every call (outside a
 * transaction; see preparingPool). Only for statements whose text is fixed (no lists that vary in
 * length) and whose one plan suits every value; past MAX_PREPARED distinct texts, further ones are
 * sent unnamed. Named statements need a direct connection or a pooler in session mode (PgBouncer
 * 1.21+ with max_prepared_statements also works).
 */
export const prepared = sql.raw(PREPARED_MARK);

/**
 * Runs a query built with Kysely's builder as a `prepared` statement (the mark put at the front of
 * its text): for the hot questions of every page, whose planning cost the database more than
 * answering them (a cabinet page's account with its address, six tables joined: about 2.5 ms of
 * planning against 0.15 ms of execution). Same rules as `prepared`.
 */
export async function executePrepared<O>(db: DB, query: Compilable<O>): Promise<O[]> {
  const compiled = query.compile();
  const result = await db.executeQuery<O>({ ...compiled, sql: PREPARED_MARK + compiled.sql });
  return result.rows;
}

/**
 * `column = any($n::int[])`: a condition on a list of ids as one array parameter, so a question
 * about one id or about a batch of them (the mailing's, the requests that arrive together) is one
 * statement text and can be `prepared` (a list written out as `in (...)` is a new text for every
 * length, planned each time).
 */
export function anyId(column: string, ids: readonly number[]) {
  return sql<boolean>`${sql.ref(column)} = any(${[...ids]}::int[])`;
}

const pools = new WeakMap<DB, pg.Pool>();
const probes = new WeakMap<DB, DB>();

/**
 * The same PostgreSQL database on a connection of its own, for the readiness check: asked every
 * second by the load balancer, it answers whether the database can be reached even while every
 * connection of the requests' pool is taken (decision 195: an instance holds up to 32 requests).
 * Through the requests' pool it waited behind them, up to the pool's 5 s, and an instance that was
 * slow but serving was taken out as if its database were down. The embedded database has one
 * connection for everything: the same handle.
 */
export function probeDb(db: DB): DB {
  return probes.get(db) ?? db;
}

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
  /**
   * Send the statements marked `prepared` as named statements (default). Off for a pooler that
   * cannot keep them (PgBouncer before 1.21 in transaction mode): they are then sent like the rest.
   */
  namedStatements?: boolean;
}

export async function openDatabase(options: OpenOptions): Promise<DatabaseHandle> {
  return options.url
    ? openPostgres(options.url, options.poolSize ?? 10, options.namedStatements ?? true)
    : openPGlite(options.dataDir ?? './data/db');
}

async function openPostgres(url: string, max: number, named: boolean): Promise<DatabaseHandle> {
  const newPool = (options?: string, size = max, connectMs = 5000) => {
    const p = new pg.Pool({
      connectionString: url,
      max: size,
      connectionTimeoutMillis: connectMs,
      ...(options ? { options } : {}),
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
          if (oid === OID.INT8) return parseInt8;
          if (oid === OID.NUMERIC || oid === OID.DATE) return identity;
          return pg.types.getTypeParser(oid, format);
        }) as typeof pg.types.getTypeParser,
      },
    });
    p.on('error', () => {
      // An idle client lost its connection; the pool replaces it on next use.
    });
    // A connection lost while a request holds it (the server stopped, a failover): the statement
    // in flight fails (the request answers 503) and the pool drops the client when it is given
    // back. Without a listener, the client's 'error' event would end the whole process.
    p.on('connect', (client) => {
      client.on('error', () => {});
    });
    return p;
  };
  const pool = newPool();
  // Connections for the prepared statements run on their own (see `prepared`): generic plans.
  const hotPool = named ? newPool('-c plan_cache_mode=force_generic_plan') : undefined;
  const safeUrl = redact(url);
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => {});
    await hotPool?.end().catch(() => {});
    throw new DatabaseUnavailableError(
      `Cannot connect to PostgreSQL at ${safeUrl}: ${(error as Error).message}`,
    );
  }
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: hotPool ? preparingPool(pool, hotPool) : pool }),
  });
  pools.set(db, pool);
  const probe = new Kysely<Database>({
    dialect: new PostgresDialect({
      pool: deadlinePool(newPool(undefined, 1, PROBE_DEADLINE_MS), PROBE_DEADLINE_MS),
    }),
  });
  probes.set(db, probe);
  return {
    db,
    engine: 'postgres',
    describe: safeUrl,
    close: async () => {
      await Promise.all([db.destroy(), probe.destroy()]);
    },
  };
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
export function openConfiguredDatabase(config: {
  DATABASE_URL?: string | undefined;
  DATA_DIR: string;
  DATABASE_PREPARED?: 'yes' | 'no';
}) {
  const dataDir = config.DATA_DIR.startsWith('memory://') ? config.DATA_DIR : `${config.DATA_DIR}/db`;
  return openDatabase({
    url: config.DATABASE_URL,
    dataDir,
    namedStatements: config.DATABASE_PREPARED !== 'no',
  });
}

/** The configured database for a command-line tool; when it cannot be opened, says why and exits with 1. */
export function openDatabaseOrExit(config: Parameters<typeof openConfiguredDatabase>[0]) {
  return openConfiguredDatabase(config).catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}

/**
 * The database of the read-only pages that tolerate lag (decision 127): DATABASE_READ_URL (a
 * standby) when set, else undefined (they read the primary).
 */
export async function openReadDatabase(config: {
  DATABASE_READ_URL?: string | undefined;
  DATABASE_PREPARED?: 'yes' | 'no';
}): Promise<DatabaseHandle | undefined> {
  if (!config.DATABASE_READ_URL) return undefined;
  return openDatabase({
    url: config.DATABASE_READ_URL,
    poolSize: 5,
    namedStatements: config.DATABASE_PREPARED !== 'no',
  });
}

/**
 * The pg pools as Kysely sees them. A connection is taken when its first statement is sent: a
 * statement marked `prepared` outside a transaction gets one from `hotPool`, where it is sent as a
 * named statement and planned once for any values (plan_cache_mode force_generic_plan, which only
 * those connections have); everything else, transactions included, runs on `pool` with
 * PostgreSQL's defaults.
 */
function preparingPool(pool: pg.Pool, hotPool: pg.Pool): PostgresPool {
  const names = new Map<string, string>();
  const nameOf = (text: string) => {
    let name = names.get(text);
    if (!name && names.size < MAX_PREPARED) {
      name = `s_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
      names.set(text, name);
    }
    return name;
  };
  return {
    async connect() {
      let client: Promise<pg.PoolClient> | undefined;
      let taken: pg.PoolClient | undefined;
      return {
        query: ((text: unknown, values?: readonly unknown[]) => {
          const name =
            typeof text === 'string' && text.trimStart().startsWith(PREPARED_MARK) ? nameOf(text) : undefined;
          client ??= (name ? hotPool : pool).connect().then((c) => {
            taken = c;
            return c;
          });
          return client.then((c) =>
            name
              ? c.query({ name, text: text as string, values: values ? [...values] : [] })
              : c.query(text as string, values as unknown[]),
          );
        }) as unknown as PostgresPoolClientQuery,
        release: (destroy?: boolean) => {
          if (taken) taken.release(destroy);
          // A connection that could not be had (the server is away) has nothing to release: the
          // failure was the query's answer; left unhandled here it would end the process.
          else
            void client?.then(
              (c) => c.release(destroy),
              () => {},
            );
        },
      };
    },
    end: async () => {
      await Promise.all([pool.end(), hotPool.end()]);
    },
  };
}

type PostgresPoolClientQuery = Awaited<ReturnType<PostgresPool['connect']>>['query'];

/**
 * How long the readiness check waits for a connection, and then for its answer: within HAProxy's
 * 5 s (`timeout check`), so an instance whose database does not answer is reported 503 in time.
 */
const PROBE_DEADLINE_MS = 2000;

/**
 * A pool whose statements fail after `deadlineMs` without an answer, and whose connection is then
 * thrown away instead of kept. A connection to a database that vanished without closing it (a
 * network partition, a failover behind a moved address) never answers again; kept, it held the
 * probe's only place and every later check waited behind it, 503 long after the database was
 * back (until the kernel gave up on the socket, about 15 minutes).
 */
function deadlinePool(pool: pg.Pool, deadlineMs: number): PostgresPool {
  return {
    async connect() {
      const client = await pool.connect();
      let broken = false;
      return {
        query: ((text: string, values?: readonly unknown[]) => {
          let timer: NodeJS.Timeout | undefined;
          const late = new Promise<never>((_, reject) => {
            timer = setTimeout(() => {
              broken = true;
              reject(new Error(`Connection terminated: no answer from the database within ${deadlineMs} ms`));
            }, deadlineMs);
          });
          return Promise.race([client.query(text, values as unknown[]), late]).finally(() =>
            clearTimeout(timer),
          );
        }) as unknown as PostgresPoolClientQuery,
        release: () => client.release(broken ? true : undefined),
      };
    },
    end: () => pool.end(),
  };
}
