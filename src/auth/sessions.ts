import { sql } from 'kysely';
import { batched, perDatabase, STATEMENT_BATCHES } from '../db/batching';
import { type DB, prepared } from '../db/database';
import type { CurrentUser } from '../web/request-context';
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
  await db
    .insertInto('sessions')
    .values({
      id_hash: hashSecret(secret),
      user_id: input.userId,
      persistent: input.persistent,
      expires_at: expiresAt,
      ip: input.ip ?? null,
      user_agent: input.userAgent?.slice(0, 300) ?? null,
    })
    .execute();
  return { secret, expiresAt };
}

interface SessionRow {
  id_hash: string;
  persistent: boolean;
  expires_at: Date;
  last_seen_at: Date;
  id: number;
  login: string;
  role: CurrentUser['role'];
  email: string | null;
  first_name: string;
  last_name: string;
}

/**
 * The sessions behind the cookies of requests arriving together, in one statement (see
 * `batched`): every request looks its session up, so under load this is the busiest statement.
 */
const sessionLookup = perDatabase((db: DB) =>
  batched(async (idHashes: readonly string[]) => {
    const rows = (
      await sql<SessionRow>`${prepared}select s.id_hash, s.persistent, s.expires_at, s.last_seen_at,
            u.id, u.login, u.role, u.email, u.first_name, u.last_name
          from sessions s join users u on u.id = s.user_id
          where s.id_hash = any(${idHashes}::text[])`.execute(db)
    ).rows;
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
    await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
    return null;
  }
  if (now - row.last_seen_at.getTime() > TOUCH_EVERY_MS) {
    const expiresAt = new Date(now + (row.persistent ? REMEMBER_MS : SESSION_IDLE_MS));
    await db
      .updateTable('sessions')
      .set({ last_seen_at: new Date(now), expires_at: expiresAt })
      .where('id_hash', '=', idHash)
      .execute();
  }
  return {
    id: row.id,
    login: row.login,
    role: row.role,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    sessionHash: row.id_hash,
  };
}

export async function destroySession(db: DB, idHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
}

/** Ends every session of a user, except the one given (after a password change). */
export async function destroyUserSessions(db: DB, userId: number, exceptHash?: string): Promise<number> {
  let query = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (exceptHash) query = query.where('id_hash', '<>', exceptHash);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function purgeExpiredSessions(db: DB): Promise<void> {
  await db.deleteFrom('sessions').where('expires_at', '<', new Date()).execute();
}
