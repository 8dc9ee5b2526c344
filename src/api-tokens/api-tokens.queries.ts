import type { DB } from '../db/database';
import type { CurrentUser } from '../web/request-context';

/**
 * Inserts a token; answers its id, or null when this user already made one from the same form
 * (`formKey`): the form sent twice makes one token.
 */
export async function insertApiToken(
  db: DB,
  row: {
    userId: number;
    name: string;
    hash: string;
    hint: string;
    scopes: string[];
    expiresAt: Date | null;
    formKey: string | null;
  },
): Promise<number | null> {
  const inserted = await db
    .insertInto('api_tokens')
    .values({
      user_id: row.userId,
      name: row.name,
      token_hash: row.hash,
      hint: row.hint,
      scopes: row.scopes,
      expires_at: row.expiresAt,
      form_key: row.formKey,
    })
    .onConflict((oc) => oc.columns(['user_id', 'form_key']).where('form_key', 'is not', null).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted?.id ?? null;
}

/**
 * Marks a new token of this user as shown and answers its hash and name, once: null when it was
 * shown already, is revoked, or is not this user's.
 */
export function markShown(db: DB, userId: number, id: number, now: Date) {
  return db
    .updateTable('api_tokens')
    .set({ shown_at: now })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('shown_at', 'is', null)
    .where('revoked_at', 'is', null)
    .returning(['token_hash as hash', 'name'])
    .executeTakeFirst();
}

/** Tokens of a user that still open the API at `now` (not revoked, not expired). */
export async function countActiveTokens(db: DB, userId: number, now: Date): Promise<number> {
  const row = await db
    .selectFrom('api_tokens')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface TokenListRow {
  id: number;
  name: string;
  hint: string;
  scopes: string[];
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** A user's tokens, newest first; revoked ones only for a while, so the list says what happened. */
export function tokensOfUser(db: DB, userId: number, revokedSince: Date): Promise<TokenListRow[]> {
  return db
    .selectFrom('api_tokens')
    .select([
      'id',
      'name',
      'hint',
      'scopes',
      'created_at as createdAt',
      'expires_at as expiresAt',
      'last_used_at as lastUsedAt',
      'revoked_at as revokedAt',
    ])
    .where('user_id', '=', userId)
    .where((eb) => eb.or([eb('revoked_at', 'is', null), eb('revoked_at', '>', revokedSince)]))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

/** Revokes one token of this user; answers its name, or null when the user has no such live token. */
export async function markRevoked(db: DB, userId: number, id: number, now: Date): Promise<string | null> {
  const row = await db
    .updateTable('api_tokens')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .returning('name')
    .executeTakeFirst();
  return row?.name ?? null;
}

export interface BearerRow {
  tokenId: number;
  scopes: string[];
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  id: number;
  login: string;
  role: CurrentUser['role'];
  email: string | null;
  firstName: string;
  lastName: string;
}

/** The token with this hash and its owner, for an API request. */
export function tokenByHash(db: DB, hash: string): Promise<BearerRow | undefined> {
  return db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .select([
      'api_tokens.id as tokenId',
      'api_tokens.scopes',
      'api_tokens.expires_at as expiresAt',
      'api_tokens.revoked_at as revokedAt',
      'api_tokens.last_used_at as lastUsedAt',
      'users.id',
      'users.login',
      'users.role',
      'users.email',
      'users.first_name as firstName',
      'users.last_name as lastName',
    ])
    .where('api_tokens.token_hash', '=', hash)
    .executeTakeFirst();
}

/** Records a use of a token. */
export async function touchToken(db: DB, id: number, now: Date): Promise<void> {
  await db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', id).execute();
}
