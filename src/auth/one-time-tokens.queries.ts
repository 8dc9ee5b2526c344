import { sql } from 'kysely';
import type { DB } from '../db/database';

export type { TokenPurpose } from '../db/schema';

import type { TokenPurpose } from '../db/schema';

/** Marks a user's unused tokens of a purpose used, so only a newer one opens. */
export function retireUnusedTokens(db: DB, userId: number, purpose: TokenPurpose): Promise<void> {
  return retireTokensOfPurposes(db, userId, [purpose]);
}

/** Marks a user's unused tokens of these purposes used: none of them opens any more. */
export async function retireTokensOfPurposes(
  db: DB,
  userId: number,
  purposes: readonly TokenPurpose[],
): Promise<void> {
  await db
    .updateTable('one_time_tokens')
    .set({ used_at: sql<Date>`now()` })
    .where('user_id', '=', userId)
    .where('purpose', 'in', purposes)
    .where('used_at', 'is', null)
    .execute();
}

export async function insertToken(
  db: DB,
  row: { tokenHash: string; userId: number; purpose: TokenPurpose; payload: string; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('one_time_tokens')
    .values({
      token_hash: row.tokenHash,
      user_id: row.userId,
      purpose: row.purpose,
      payload: row.payload,
      expires_at: row.expiresAt,
    })
    .execute();
}

/**
 * Marks an unused, unexpired token used in the statement that finds it, so two simultaneous
 * uses cannot both succeed; answers its user and payload.
 */
export function useToken(db: DB, tokenHash: string, purpose: TokenPurpose, userId?: number) {
  let query = db
    .updateTable('one_time_tokens')
    .set({ used_at: sql<Date>`now()` })
    .where('token_hash', '=', tokenHash)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', new Date());
  if (userId !== undefined) query = query.where('user_id', '=', userId);
  return query.returning(['user_id', 'payload']).executeTakeFirst();
}

/** Whether an unused, unexpired token exists, without using it. */
export async function usableTokenExists(
  db: DB,
  tokenHash: string,
  purpose: TokenPurpose,
  userId?: number,
): Promise<boolean> {
  let query = db
    .selectFrom('one_time_tokens')
    .select('id')
    .where('token_hash', '=', tokenHash)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', new Date());
  if (userId !== undefined) query = query.where('user_id', '=', userId);
  return Boolean(await query.executeTakeFirst());
}
