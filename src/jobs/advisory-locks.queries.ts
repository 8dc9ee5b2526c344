import { type RawBuilder, sql } from 'kysely';
import type { DB } from '../db/database';

/**
 * The PostgreSQL advisory-lock statements of the application, each taking a key from LOCK
 * (src/jobs/locks.ts, the one list of keys): a one-number key, or a pair (LOCK entry, second
 * number such as a month or an instance).
 *
 * Transaction-level locks (`..._xact_...`) go through Kysely on the transaction that holds them
 * and end with it. Session-level locks live on a connection of their own (a `Session`: the
 * instance's connection, or one held for a run) and end when unlocked or when the connection
 * closes.
 */
export type LockKey = number | readonly [number, number];

/** A connection that keeps session-level locks: a raw pg client, outside Kysely's pool. */
export interface Session {
  query<R>(text: string, values: unknown[]): Promise<R[]>;
}

function keyArgs(key: LockKey) {
  return typeof key === 'number' ? sql`${key}::int` : sql`${key[0]}::int, ${key[1]}::int`;
}

/** Waits for the key, exclusively, until the transaction ends. */
export async function lockForTransaction(tx: DB, key: LockKey): Promise<void> {
  await sql`select pg_advisory_xact_lock(${keyArgs(key)})`.execute(tx);
}

/** Waits for the key, shared with other shared holders, until the transaction ends. */
export async function shareForTransaction(tx: DB, key: LockKey): Promise<void> {
  await sql`select pg_advisory_xact_lock_shared(${keyArgs(key)})`.execute(tx);
}

/**
 * The expression that takes the key shared until the transaction ends, if it is free of
 * exclusive holders and waiters: true if taken. For use inside a statement (`where ...`).
 */
export function tryShareForTransaction(key: LockKey): RawBuilder<boolean> {
  return sql<boolean>`pg_try_advisory_xact_lock_shared(${keyArgs(key)})`;
}

/** Waits for the pair on the session; held until unlocked or the connection closes. */
export async function lockOnSession(session: Session, key: readonly [number, number]): Promise<void> {
  await session.query('select pg_advisory_lock($1, $2)', [...key]);
}

/** Takes the pair on the session if no other session holds it; never waits. */
export async function tryLockOnSession(session: Session, key: readonly [number, number]): Promise<boolean> {
  const [row] = await session.query<{ ok: boolean }>('select pg_try_advisory_lock($1, $2) as ok', [...key]);
  return Boolean(row?.ok);
}

/** Gives the pair back. */
export async function unlockOnSession(session: Session, key: readonly [number, number]): Promise<void> {
  await session.query('select pg_advisory_unlock($1, $2)', [...key]);
}

/** A new process number (app_instance_seq), the second number of its LOCK.instance pair. */
export async function nextInstanceNumber(session: Session): Promise<number> {
  const [row] = await session.query<{ id: number }>(`select nextval('app_instance_seq')::int as id`, []);
  return row!.id;
}
