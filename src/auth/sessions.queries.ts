import { sql } from 'kysely';
import { type DB, prepared } from '../db/database';
import type { CurrentUser } from '../web/request-context';

export async function insertSession(
  db: DB,
  row: {
    idHash: string;
    userId: number;
    persistent: boolean;
    expiresAt: Date;
    ip: string | null;
    userAgent: string | null;
  },
): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      id_hash: row.idHash,
      user_id: row.userId,
      persistent: row.persistent,
      expires_at: row.expiresAt,
      ip: row.ip,
      user_agent: row.userAgent,
    })
    .execute();
}

export interface SessionRow {
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
  many_accounts: boolean;
}

/** The sessions with these hashes and their users, in one statement. */
export async function sessionsByHashes(db: DB, idHashes: readonly string[]): Promise<SessionRow[]> {
  return (
    await sql<SessionRow>`${prepared}select s.id_hash, s.persistent, s.expires_at, s.last_seen_at,
            u.id, u.login, u.role, u.email, u.first_name, u.last_name,
            (select count(*) from (select 1 from user_accounts ua where ua.user_id = u.id limit 2) x) > 1
              as many_accounts
          from sessions s join users u on u.id = s.user_id
          where s.id_hash = any(${idHashes}::text[])`.execute(db)
  ).rows;
}

/** A session seen now lives on until the new expiry. */
export async function touchSession(db: DB, idHash: string, seenAt: Date, expiresAt: Date): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ last_seen_at: seenAt, expires_at: expiresAt })
    .where('id_hash', '=', idHash)
    .execute();
}

export async function deleteSession(db: DB, idHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
}

/** Deletes a user's sessions, except the one given; answers how many ended. */
export async function deleteUserSessions(db: DB, userId: number, exceptHash?: string): Promise<number> {
  let query = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (exceptHash) query = query.where('id_hash', '<>', exceptHash);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function deleteExpiredSessions(db: DB, now: Date): Promise<void> {
  await db.deleteFrom('sessions').where('expires_at', '<', now).execute();
}
