import type { DB } from '../db/database';
import {
  insertToken,
  retireUnusedTokens,
  type TokenPurpose,
  usableTokenExists,
  useToken,
} from './one-time-tokens.queries';
import { hashSecret, newSecret } from './tokens';

export type { TokenPurpose };

export const TOKEN_TTL_MS: Record<TokenPurpose, number> = {
  confirm_email: 72 * 3600_000,
  reset_password: 24 * 3600_000,
  change_email: 24 * 3600_000,
  unlock_login: 30 * 60_000,
  // Mailed to the holder of an account's earlier cabinet when someone adds it (decision 160).
  revoke_account_link: 30 * 24 * 3600_000,
};

/**
 * Purposes whose tokens each stand for a different thing (one link added to the account per
 * token), so a newer token leaves the earlier ones working.
 */
const SEVERAL_AT_ONCE: readonly TokenPurpose[] = ['revoke_account_link'];

/**
 * Issues a one-time token for a user; only its SHA-256 is stored. Earlier unused tokens of the
 * same purpose stop working, so only the newest link in the mailbox opens (except for the purposes
 * of SEVERAL_AT_ONCE).
 */
export async function issueToken(
  db: DB,
  userId: number,
  purpose: TokenPurpose,
  payload: Record<string, string> = {},
): Promise<string> {
  const secret = newSecret();
  if (!SEVERAL_AT_ONCE.includes(purpose)) await retireUnusedTokens(db, userId, purpose);
  await insertToken(db, {
    tokenHash: hashSecret(secret),
    userId,
    purpose,
    payload: JSON.stringify(payload),
    expiresAt: new Date(Date.now() + TOKEN_TTL_MS[purpose]),
  });
  return secret;
}

/**
 * Uses a token: marks it used in the same statement that checks it is unused and unexpired, so two
 * simultaneous clicks cannot both succeed. Returns the user and payload, or null.
 */
export async function consumeToken(
  db: DB,
  secret: string,
  purpose: TokenPurpose,
  userId?: number,
): Promise<{ userId: number; payload: Record<string, string> } | null> {
  if (!secret || secret.length > 100) return null;
  const row = await useToken(db, hashSecret(secret), purpose, userId);
  if (!row) return null;
  const payload = (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as Record<
    string,
    string
  >;
  return { userId: row.user_id, payload: payload ?? {} };
}

/** Whether a token would be accepted, without using it (to show the form it opens). */
export async function tokenIsValid(
  db: DB,
  secret: string,
  purpose: TokenPurpose,
  userId?: number,
): Promise<boolean> {
  if (!secret || secret.length > 100) return false;
  return usableTokenExists(db, hashSecret(secret), purpose, userId);
}
