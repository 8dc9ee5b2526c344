import { batched, perDatabase, STATEMENT_BATCHES } from '../db/batching';
import type { DB } from '../db/database';
import type { CurrentUser } from '../web/request-context';
import {
  deleteExpiredSessions,
  deleteSession,
  deleteUserSessions,
  insertSession,
  sessionsByHashes,
  touchSession,
} from './sessions.queries';
import { hashSecret, newSecret } from './tokens';

/** A session that ends with the browser still ends on the server after this much idle time. */
export const SESSION_IDLE_MS = 12 * 3600_000;
/** "Remember me" sessions. */
export const REMEMBER_MS = 30 * 24 * 3600_000;
/** last_seen_at is written at most this often, so reading pages does not write on every request. */
const TOUCH_EVERY_MS = 60_000;

export async function createSession(
  db: DB,
  input: { userId: number; persistent: boolean; ip?: string | undefined; userAgent?: string | undefined },
): Promise<{ secret: string; expiresAt: Date }> {
  const secret = newSecret();
  const expiresAt = new Date(Date.now() + (input.persistent ? REMEMBER_MS : SESSION_IDLE_MS));
  await insertSession(db, {
    idHash: hashSecret(secret),
    userId: input.userId,
    persistent: input.persistent,
    expiresAt,
    ip: input.ip ?? null,
    userAgent: input.userAgent?.slice(0, 300) ?? null,
  });
  return { secret, expiresAt };
}

/**
 * The sessions behind the cookies of requests arriving together, in one statement (see
 * `batched`): every request looks its session up, so under load this is the busiest statement.
 */
const sessionLookup = perDatabase((db: DB) =>
  batched(async (idHashes: readonly string[]) => {
    const rows = await sessionsByHashes(db, idHashes);
    const byHash = new Map(rows.map((r) => [r.id_hash, r]));
    return idHashes.map((h) => byHash.get(h) ?? null);
  }, STATEMENT_BATCHES),
);

export async function loadSession(db: DB, secret: string): Promise<CurrentUser | null> {
  if (!secret || secret.length > 100) return null;
  const idHash = hashSecret(secret);
  const row = await sessionLookup(db)(idHash);
  if (!row) return null;
  const now = Date.now();
  if (row.expires_at.getTime() <= now) {
    await deleteSession(db, idHash);
    return null;
  }
  if (now - row.last_seen_at.getTime() > TOUCH_EVERY_MS) {
    const expiresAt = new Date(now + (row.persistent ? REMEMBER_MS : SESSION_IDLE_MS));
    await touchSession(db, idHash, new Date(now), expiresAt);
  }
  return {
    id: row.id,
    login: row.login,
    role: row.role,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    sessionHash: row.id_hash,
    manyAccounts: row.many_accounts,
  };
}

export async function destroySession(db: DB, idHash: string): Promise<void> {
  await deleteSession(db, idHash);
}

/** Ends every session of a user, except the one given (after a password change). */
export function destroyUserSessions(db: DB, userId: number, exceptHash?: string): Promise<number> {
  return deleteUserSessions(db, userId, exceptHash);
}

export async function purgeExpiredSessions(db: DB): Promise<void> {
  await deleteExpiredSessions(db, new Date());
}
