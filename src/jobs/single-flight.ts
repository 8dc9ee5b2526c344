import { type DB, serverPool } from '../db/database';
import { type Session, tryLockOnSession, unlockOnSession } from './advisory-locks.queries';
import { instanceId, instanceOf } from './instance';
import { LOCK, monthKey, RUN_KEY } from './locks';
import { markRunFinished, markRunStarted, runningSince } from './runs.queries';

/** A run that happens once at a time across every process on the database. */
export interface Run {
  /** Its name in running_jobs ("already running since ..."). */
  name: string;
  /** Its session-level advisory lock (src/jobs/locks.ts). */
  key: readonly [number, number];
}

export const RUNS = {
  /** The exchange: scheduled slot, manual run from the back office, the CLI. */
  exchange: { name: 'exchange', key: [LOCK.run, RUN_KEY.exchange] },
  /** Closing a month (the billing run). */
  monthClosing: { name: 'month-closing', key: [LOCK.run, RUN_KEY.monthClosing] },
  /** Working through a month's invoice mailing. */
  mailing: (period: string): Run => ({ name: `mailing:${period}`, key: [LOCK.mailingRun, monthKey(period)] }),
} satisfies Record<string, Run | ((period: string) => Run)>;

/** Another process (or request) runs it now; `since` is when it began, if known. */
export class AlreadyRunning extends Error {
  constructor(
    readonly run: string,
    readonly since: Date | null,
  ) {
    super(`${run} is already running${since ? ` since ${since.toISOString()}` : ''}`);
  }
}

const inProcess = new WeakMap<DB, Set<string>>();

/**
 * Runs `fn` unless the same run is going on anywhere: in this process (a set of names), or in
 * another process on the same PostgreSQL server (pg_try_advisory_lock on a session that lives
 * as long as the process: the instance's connection, or else a connection held for the run).
 * Never waits: a second start gets AlreadyRunning at once. A process that dies loses its
 * connection and with it the lock.
 */
export async function singleFlight<T>(db: DB, run: Run, fn: () => Promise<T>): Promise<T> {
  const names = inProcess.get(db) ?? new Set<string>();
  inProcess.set(db, names);
  if (names.has(run.name)) throw new AlreadyRunning(run.name, await runningSince(db, run.name));
  names.add(run.name);
  try {
    const lock = await serverLock(db, run);
    if (!lock) throw new AlreadyRunning(run.name, await runningSince(db, run.name));
    try {
      await markRunStarted(db, run.name, instanceId(db));
      try {
        return await fn();
      } finally {
        await markRunFinished(db, run.name);
      }
    } finally {
      await lock.release();
    }
  } finally {
    names.delete(run.name);
  }
}

/** Takes the run's advisory lock on the server; null if another session holds it. */
async function serverLock(db: DB, run: Run): Promise<{ release(): Promise<void> } | null> {
  const pool = serverPool(db);
  if (!pool) return { async release() {} }; // the embedded database: one process, the set above suffices
  let session: Session | undefined = instanceOf(db)?.session;
  let done = async (_broken: boolean) => {};
  if (!session) {
    const client = await pool.connect();
    session = { query: async (text, values) => (await client.query(text, values)).rows };
    done = async (broken) => client.release(broken);
  }
  if (!(await tryLockOnSession(session, run.key))) {
    await done(false);
    return null;
  }
  const held = session;
  return {
    async release() {
      try {
        await unlockOnSession(held, run.key);
        await done(false);
      } catch {
        // A connection that cannot unlock is closed: the lock goes with it.
        await done(true);
      }
    },
  };
}
