import { sql } from 'kysely';
import type { DB } from '../db/database';
import type { Locale } from '../db/schema';
import { accountWithAddress } from './accounts.queries';

/** What adding an account to a login is checked against: the proof columns and whether it is closed. */
export function accountToLink(db: DB, number: string) {
  return accountWithAddress(db)
    .select([
      'accounts.id',
      'accounts.number',
      'accounts.kind',
      'accounts.owner_surname as ownerSurname',
      'accounts.bin_iin as binIin',
      'accounts.contract_number as contractNumber',
      'accounts.closed_on as closedOn',
    ])
    .where('accounts.number', '=', number)
    .executeTakeFirst();
}

/** Whether the user already has this account in their list. */
export async function hasLink(db: DB, userId: number, accountId: number): Promise<boolean> {
  const row = await db
    .selectFrom('user_accounts')
    .select('account_id')
    .where('user_id', '=', userId)
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return row !== undefined;
}

/** Links the account to the user; false when the link was there already (a second click). */
export async function insertLink(db: DB, userId: number, accountId: number): Promise<boolean> {
  const result = await db
    .insertInto('user_accounts')
    .values({ user_id: userId, account_id: accountId })
    .onConflict((oc) => oc.columns(['user_id', 'account_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/**
 * Removes the link of the user to the account (nothing of the account itself: its readings,
 * invoices and payments stay) and forgets the account as the user's choice; false when there was
 * no link.
 */
export async function deleteLink(db: DB, userId: number, accountId: number): Promise<boolean> {
  const result = await db
    .deleteFrom('user_accounts')
    .where('user_id', '=', userId)
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  await db
    .updateTable('users')
    .set({ chosen_account_id: null })
    .where('id', '=', userId)
    .where('chosen_account_id', '=', accountId)
    .execute();
  return Number(result.numDeletedRows) > 0;
}

/** Locks the user's row until the transaction ends: their list changes one change at a time. */
export async function lockUser(db: DB, userId: number): Promise<void> {
  await db.selectFrom('users').select('id').where('id', '=', userId).forUpdate().execute();
}

/** The cabinet users who have the account in their list, each joined to their link. */
export function holdersOf(db: DB, accountId: number) {
  return db
    .selectFrom('users')
    .innerJoin('user_accounts', 'user_accounts.user_id', 'users.id')
    .where('user_accounts.account_id', '=', accountId);
}

/** The other cabinet users of an account with a confirmed address: who is told of a new link. */
export function otherHoldersToTell(db: DB, accountId: number, exceptUserId: number) {
  return holdersOf(db, accountId)
    .select([
      'users.id',
      'users.login',
      'users.first_name as firstName',
      sql<string>`users.email`.as('email'),
      sql<Locale>`users.locale`.as('locale'),
    ])
    .where('user_accounts.user_id', '<>', exceptUserId)
    .where('users.role', '=', 'customer')
    .where('users.email', 'is not', null)
    .where('users.email_confirmed_at', 'is not', null)
    .orderBy('users.id')
    .execute();
}

/** A user's login (for the revoke page and its audit entry) and where to tell them: a confirmed address or none. */
export function loginOf(db: DB, userId: number) {
  return db
    .selectFrom('users')
    .select([
      'id',
      'login',
      'first_name as firstName',
      sql<string | null>`case when users.email_confirmed_at is not null then users.email end`.as('email'),
      sql<Locale>`users.locale`.as('locale'),
    ])
    .where('id', '=', userId)
    .executeTakeFirst();
}

/** Keeps the account as the user's choice, only if it is one of theirs; false otherwise. */
export async function setChosenAccount(db: DB, userId: number, accountId: number): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ chosen_account_id: accountId })
    .where('id', '=', userId)
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('user_accounts')
          .select('account_id')
          .where('user_id', '=', userId)
          .where('account_id', '=', accountId),
      ),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
