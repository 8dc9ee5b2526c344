import pg from 'pg';
import { type DB, serverPool } from '../db/database';
import {
  lockOnSession,
  nextInstanceNumber,
  type Session,
  tryLockOnSession,
  unlockOnSession,
} from './advisory-locks.queries';
import { LOCK } from './locks';
import { failInterruptedExchangeRuns, ownersOfRunningExchangeRuns } from './runs.queries';

/**
 * A process that works on the database (the app, a CLI command). On a PostgreSQL server it takes
 * a number from app_instance_seq and holds the advisory lock (LOCK.instance, number) on a
 * connection of its own for as long as it lives. When the process dies — even by kill -9 — the
 * server closes that connection and the lock is free: that is how the others know it is gone.
 * The single-flight runs' locks live on the same connection (src/jobs/single-flight.ts), so they
 * end with the process too.
 */
export interface Instance {
  /** Its number; null on the embedded database (one process only). */
  readonly id: number | null;
  /** A statement on the instance's own connection; undefined when there is none (PGlite, or lost). */
  readonly session: Session | undefined;
  close(): Promise<void>;
}

const instances = new WeakMap<DB, Instance>();

/** The instance started for this database handle, if any. */
export function instanceOf(db: DB): Instance | undefined {
  return instances.get(db);
}

/** The number written as owner on the rows of runs this process does (null when none). */
export function instanceId(db: DB): number | null {
  return instances.get(db)?.id ?? null;
}

/** Starts this process's instance for the database, or returns the one that runs. */
export async function startInstance(db: DB, onError?: (error: Error) => void): Promise<Instance> {
  const existing = instances.get(db);
  if (existing) return existing;
  const pool = serverPool(db);
  if (!pool) {
    // The embedded database is opened by this process only: a run still marked running was cut
    // off with the process before.
    await failInterruptedExchangeRuns(db, 'all');
    const local: Instance = {
      id: null,
      session: undefined,
      async close() {
        instances.delete(db);
      },
    };
    instances.set(db, local);
    return local;
  }
  const client = new pg.Client({ connectionString: pool.options.connectionString });
  let lost = false;
  // Set once the lock is held; the connection may break before (while this start still runs).
  let instance: Instance | undefined;
  client.on('error', (error) => {
    // The connection broke: the lock is gone, so this process is no instance any more (its
    // running rows may be marked failed by others). The next startInstance takes a new number.
    lost = true;
    if (instance && instances.get(db) === instance) instances.delete(db);
    client.end().catch(() => {});
    onError?.(error);
  });
  const query = async <R>(text: string, values: unknown[]) => (await client.query(text, values)).rows as R[];
  let id: number;
  try {
    await client.connect();
    id = await nextInstanceNumber({ query });
    await lockOnSession({ query }, [LOCK.instance, id]);
  } catch (error) {
    // The database refused or went away while this start ran: no instance; a later start tries again.
    await client.end().catch(() => {});
    throw error;
  }
  instance = {
    id,
    get session() {
      return lost ? undefined : { query };
    },
    async close() {
      if (instances.get(db) !== instance) return;
      instances.delete(db);
      await client.end().catch(() => {});
    },
  };
  instances.set(db, instance);
  await sweepInterruptedRuns(db);
  return instance;
}

/** Ends the instance of this database handle (its connection, and with it every run lock). */
export async function stopInstance(db: DB): Promise<void> {
  await instances.get(db)?.close();
}

/**
 * Finds exchange runs marked running whose instance is gone (its lock is free) and marks them
 * failed. Every app process does this now and then; returns how many rows it marked.
 */
export async function sweepInterruptedRuns(db: DB): Promise<number> {
  const instance = instances.get(db);
  const session = instance?.session;
  if (!instance || instance.id === null || !session) return 0;
  let marked = 0;
  for (const owner of await ownersOfRunningExchangeRuns(db, instance.id)) {
    if (!(await tryLockOnSession(session, [LOCK.instance, owner]))) continue;
    try {
      marked += await failInterruptedExchangeRuns(db, owner);
    } finally {
      await unlockOnSession(session, [LOCK.instance, owner]);
    }
  }
  return marked;
}
