import { sql } from 'kysely';
import type { DB } from '../db/database';
import type { AccountKind } from '../db/schema';
import type { Locale } from '../i18n/locales';

/** A household's account by its number, with what proves the registrant's right to it. */
export function individualAccountByNumber(db: DB, number: string) {
  return db
    .selectFrom('accounts')
    .select(['id', 'number', 'owner_name', 'owner_surname', 'contract_number', 'bin_iin'])
    .where('number', '=', number)
    .where('kind', '=', 'individual')
    .executeTakeFirst();
}

/** The companies' accounts with this BIN. */
export function legalAccountsByBin(db: DB, bin: string) {
  return db
    .selectFrom('accounts')
    .select(['id', 'number', 'owner_name', 'contract_number'])
    .where('bin_iin', '=', bin)
    .where('kind', '=', 'legal')
    .execute();
}

/**
 * The users in a new registration's way: the holder of the account, the owner of the login and
 * the owner of the address (compared in any case), with what tells whether each has expired.
 */
export function registrationBlockers(db: DB, accountId: number, login: string, email: string) {
  return db
    .selectFrom('users')
    .leftJoin('user_accounts', (join) =>
      join.onRef('user_accounts.user_id', '=', 'users.id').on('user_accounts.account_id', '=', accountId),
    )
    .select([
      'users.id',
      'users.login',
      'users.email',
      'users.role',
      'users.email_confirmed_at',
      'users.created_at',
      'user_accounts.account_id as holds_account',
    ])
    .where((eb) =>
      eb.or([
        eb('user_accounts.account_id', 'is not', null),
        eb('users.login', '=', login),
        eb(eb.fn('lower', ['users.email']), '=', email.toLowerCase()),
      ]),
    )
    .execute();
}

/** What a registration writes about its user. */
export interface NewCustomer {
  login: string;
  email: string;
  firstName: string;
  lastName: string;
  kind: AccountKind;
  passwordHash: string;
  iinHash: string | null;
  locale: Locale;
  accountId: number;
  /** The moment of registering: an unconfirmed registration expires counted from it. */
  registeredAt: Date;
}

/** A new cabinet customer linked to its account; answers the user's id. */
export async function insertCustomer(db: DB, u: NewCustomer): Promise<number> {
  const user = await db
    .insertInto('users')
    .values({
      login: u.login,
      email: u.email,
      first_name: u.firstName,
      last_name: u.lastName,
      role: 'customer',
      customer_kind: u.kind,
      password_hash: u.passwordHash,
      iin_hash: u.iinHash,
      locale: u.locale,
      created_at: u.registeredAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.insertInto('user_accounts').values({ user_id: user.id, account_id: u.accountId }).execute();
  return user.id;
}

/**
 * An expired, never confirmed registration set aside before a new registration of its account: the
 * row stays (its audit entries and consent keep pointing at it) but it gives up the login and the
 * address, cannot sign in, loses its unused links, sessions and account links. The newcomer gets a
 * fresh row, so nothing of the earlier registrant reaches them.
 */
export async function detachExpiredCustomer(db: DB, userId: number, at: Date): Promise<void> {
  await db
    .updateTable('users')
    .set({
      login: `expired:${userId}`,
      email: null,
      pending_email: null,
      // Not an argon2 hash: no password verifies against it.
      password_hash: '!expired',
      iin_hash: null,
      subscribe_invoices: false,
      subscribe_announcements: false,
      updated_at: at,
    })
    .where('id', '=', userId)
    .where('email_confirmed_at', 'is', null)
    .execute();
  await db
    .updateTable('one_time_tokens')
    .set({ used_at: sql<Date>`now()` })
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .execute();
  await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
  await db.deleteFrom('user_accounts').where('user_id', '=', userId).execute();
  // An unconfirmed login cannot sign in to make API tokens; should one exist, it dies with the row.
  await db
    .updateTable('api_tokens')
    .set({ revoked_at: at })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
}

/** An expired registration gives up its address, so a new registration may use it. */
export async function releaseEmail(db: DB, userId: number): Promise<void> {
  await db.updateTable('users').set({ email: null }).where('id', '=', userId).execute();
}

/** The agreement to the processing of personal data given with a registration. */
export async function insertConsent(
  db: DB,
  row: {
    userId: number;
    textVersion: string;
    locale: Locale;
    agreedAt: Date;
    ip: string | null;
    userAgent: string | null;
  },
): Promise<void> {
  await db
    .insertInto('personal_data_consents')
    .values({
      user_id: row.userId,
      text_version: row.textVersion,
      locale: row.locale,
      agreed_at: row.agreedAt,
      ip: row.ip,
      user_agent: row.userAgent,
    })
    .execute();
}

/** The unconfirmed customer a login names, with what correcting its address checks. */
export function unconfirmedCustomerByLogin(db: DB, login: string) {
  return db
    .selectFrom('users')
    .select([
      'id',
      'login',
      'email',
      'first_name',
      'role',
      'password_hash',
      'email_confirmed_at',
      'created_at',
    ])
    .where('login', '=', login)
    .where('role', '=', 'customer')
    .where('email_confirmed_at', 'is', null)
    .executeTakeFirst();
}

/**
 * The user a confirmation link names, to tell whether the registration has expired; the row is
 * locked until the confirming transaction ends.
 */
export function registrationState(db: DB, userId: number) {
  return db
    .selectFrom('users')
    .select(['id', 'role', 'email_confirmed_at', 'created_at'])
    .where('id', '=', userId)
    .forUpdate()
    .executeTakeFirst();
}

/** The address an unconfirmed registration is confirmed through, replaced by the registrant. */
export async function setUnconfirmedEmail(db: DB, userId: number, email: string): Promise<void> {
  await db
    .updateTable('users')
    .set({ email, updated_at: new Date() })
    .where('id', '=', userId)
    .where('email_confirmed_at', 'is', null)
    .execute();
}
