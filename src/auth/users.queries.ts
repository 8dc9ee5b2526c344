import { sql } from 'kysely';
import type { DB } from '../db/database';
import type { Locale } from '../i18n/locales';

/** The user a login form names, with what signing in checks. */
export function userForLogin(db: DB, login: string) {
  return db
    .selectFrom('users')
    .select([
      'id',
      'login',
      'password_hash',
      'email',
      'email_confirmed_at',
      'locked_until',
      'role',
      'locale',
      'first_name',
      'totp_secret',
    ])
    .where('login', '=', login)
    .executeTakeFirst();
}

/** The user a mailed sign-in link names. */
export function userForSignInLink(db: DB, userId: number) {
  return db
    .selectFrom('users')
    .select(['id', 'login', 'locale', 'role', 'locked_until'])
    .where('id', '=', userId)
    .executeTakeFirst();
}

/** What is read of a cabinet customer to mail them or check a recovery's proof. */
export const CUSTOMER_COLUMNS = [
  'id',
  'login',
  'email',
  'first_name',
  'locale',
  'email_confirmed_at',
  'customer_kind',
  'iin_hash',
] as const;

/**
 * The cabinet customer with this login (staff are never found): to mail a new confirmation
 * link, or to reset the password with the mailed word.
 */
export function customerByLogin(db: DB, login: string) {
  return db
    .selectFrom('users')
    .select(CUSTOMER_COLUMNS)
    .where('login', '=', login)
    .where('role', '=', 'customer')
    .executeTakeFirst();
}

/** A signed-in user as the settings pages show and change them. */
export function settingsUser(db: DB, id: number) {
  return db
    .selectFrom('users')
    .select([
      'id',
      'login',
      'email',
      'pending_email',
      'first_name',
      'locale',
      'password_hash',
      'subscribe_invoices',
      'subscribe_announcements',
    ])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

export type SettingsUser = Awaited<ReturnType<typeof settingsUser>>;

/** Whether another user has this address (compared in any case). */
export async function emailInUse(db: DB, email: string, exceptUserId?: number): Promise<boolean> {
  let query = db
    .selectFrom('users')
    .select('id')
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()));
  if (exceptUserId !== undefined) query = query.where('id', '<>', exceptUserId);
  return Boolean(await query.executeTakeFirst());
}

export async function setUserLocale(db: DB, userId: number, locale: Locale): Promise<void> {
  await db.updateTable('users').set({ locale }).where('id', '=', userId).execute();
}

/** The address is proven (the first confirmation stays). */
export async function markEmailConfirmed(db: DB, userId: number): Promise<void> {
  await db
    .updateTable('users')
    .set((eb) => ({ email_confirmed_at: eb.fn.coalesce('email_confirmed_at', eb.val(new Date())) }))
    .where('id', '=', userId)
    .execute();
}

export async function setPendingEmail(db: DB, userId: number, email: string): Promise<void> {
  await db
    .updateTable('users')
    .set({ pending_email: email, updated_at: new Date() })
    .where('id', '=', userId)
    .execute();
}

/** Drops an address change asked for and not yet confirmed. */
export async function clearPendingEmail(db: DB, userId: number): Promise<void> {
  await db
    .updateTable('users')
    .set({ pending_email: null, updated_at: new Date() })
    .where('id', '=', userId)
    .where('pending_email', 'is not', null)
    .execute();
}

/** The new address, proven by its mailbox, replaces the old one. */
export async function applyEmailChange(db: DB, userId: number, email: string): Promise<void> {
  await db
    .updateTable('users')
    .set((eb) => ({
      email,
      pending_email: null,
      updated_at: new Date(),
      email_confirmed_at: eb.fn.coalesce('email_confirmed_at', eb.val(new Date())),
    }))
    .where('id', '=', userId)
    .execute();
}

export async function setPasswordHash(db: DB, userId: number, hash: string): Promise<void> {
  await db
    .updateTable('users')
    .set({ password_hash: hash, updated_at: new Date() })
    .where('id', '=', userId)
    .execute();
}

/**
 * Whether any password hash made at parameters older than the current ones is still stored (an
 * index lookup: migration 0860's partial index has this predicate).
 */
export async function olderPasswordHashesStored(db: DB, currentPrefix: string): Promise<boolean> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where('password_hash', 'like', sql.lit('$argon2%'))
    .where('password_hash', 'not like', sql.lit(`${currentPrefix}%`))
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Replaces a password hash with one of the same password at the current parameters, unless the
 * password was changed meanwhile (the old hash no longer stored). The profile's change time stays.
 */
export async function upgradePasswordHash(db: DB, userId: number, oldHash: string, newHash: string) {
  await db
    .updateTable('users')
    .set({ password_hash: newHash })
    .where('id', '=', userId)
    .where('password_hash', '=', oldHash)
    .execute();
}

/**
 * A password set through recovery: failed logins and locks are forgotten, and the address is
 * proven, since the check word came through it.
 */
export async function setRecoveredPassword(db: DB, userId: number, hash: string): Promise<void> {
  await db
    .updateTable('users')
    .set((eb) => ({
      password_hash: hash,
      failed_logins: 0,
      locked_until: null,
      updated_at: new Date(),
      email_confirmed_at: eb.fn.coalesce('email_confirmed_at', eb.val(new Date())),
    }))
    .where('id', '=', userId)
    .execute();
}

/** Saves which mailings the user wants; answers the user's address. */
export function setSubscriptions(
  db: DB,
  userId: number,
  choice: { invoices: boolean; announcements: boolean },
) {
  return db
    .updateTable('users')
    .set({
      subscribe_invoices: choice.invoices,
      subscribe_announcements: choice.announcements,
      updated_at: new Date(),
    })
    .where('id', '=', userId)
    .returning(['email'])
    .executeTakeFirstOrThrow();
}
