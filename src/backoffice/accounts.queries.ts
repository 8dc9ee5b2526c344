import { sql } from 'kysely';
import { holdersOf } from '../accounts/account-links.queries';
import { accountWithAddress } from '../accounts/accounts.queries';
import type { DB } from '../db/database';
import { readingsOfAccount, storedColumns } from '../readings/readings.queries';

export interface AccountHit {
  number: string;
  ownerName: string;
  street: string;
  house: string;
  prefix: string;
  apartment: string;
}

const ADDRESS_LINE = (separator: string) =>
  sql`streets.name || ${sql.lit(separator)} || buildings.number || buildings.prefix || case when premises.apartment = '' then '' else '-' || premises.apartment end`;

/**
 * Accounts an operator looks for: by the 8-digit number exactly, otherwise by the start of the
 * owner's surname or name, the contract number, or a part of the address ("Красина 3", "Красина, 3-12").
 */
export function searchAccounts(db: DB, raw: string): Promise<AccountHit[]> {
  const q = raw.trim().replace(/\s+/g, ' ');
  const base = accountWithAddress(db)
    .select(['accounts.number', 'accounts.owner_name as ownerName'])
    .orderBy('streets.name')
    .orderBy('accounts.number')
    .limit(50);
  if (/^[0-9]{8}$/.test(q)) return base.where('accounts.number', '=', q).execute();
  const like = `%${q.replace(/[%_\\]/g, '\\$&')}%`;
  const prefix = `${q.toLowerCase().replace(/[%_\\]/g, '\\$&')}%`;
  return base
    .where((eb) =>
      eb.or([
        eb(sql`lower(accounts.owner_surname)`, 'like', prefix),
        eb(sql`lower(accounts.owner_name)`, 'like', prefix),
        eb('accounts.contract_number', '=', q),
        eb(ADDRESS_LINE(' '), 'ilike', like),
        eb(ADDRESS_LINE(', '), 'ilike', like),
      ]),
    )
    .execute();
}

/** The account's latest 36 readings, newest first, with the meter's serial. */
export function recentReadingsOfAccount(db: DB, accountId: number) {
  return readingsOfAccount(db, accountId)
    .select([...storedColumns, 'readings.review_note as reviewNote', 'meters.serial'])
    .orderBy('readings.read_on', 'desc')
    .orderBy('readings.id', 'desc')
    .limit(36)
    .execute();
}

/** The account's settlements of its last 12 months, newest first. */
export function recentAccountMonths(db: DB, accountId: number) {
  return db
    .selectFrom('account_months')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('period', 'desc')
    .limit(12)
    .execute();
}

/** The cabinet users linked to an account, with what an operator needs to help them sign in. */
export function cabinetUsersOfAccount(db: DB, accountId: number) {
  return holdersOf(db, accountId)
    .select([
      'users.id',
      'users.login',
      'users.email',
      'users.email_confirmed_at',
      'users.locked_until',
      'users.failed_logins',
    ])
    .orderBy('users.id')
    .execute();
}

/** A customer (never a staff user) linked to the account with this number. */
export function findCustomerOfAccount(db: DB, number: string, userId: number) {
  return db
    .selectFrom('users')
    .innerJoin('user_accounts', 'user_accounts.user_id', 'users.id')
    .innerJoin('accounts', 'accounts.id', 'user_accounts.account_id')
    .select(['users.id', 'users.login', 'users.email', 'users.locale', 'users.email_confirmed_at'])
    .where('accounts.number', '=', number)
    .where('users.id', '=', userId)
    .where('users.role', '=', 'customer')
    .executeTakeFirst();
}

/** Lifts a user's login lock and forgets their failed logins. */
export async function unlockUser(db: DB, userId: number): Promise<void> {
  await db
    .updateTable('users')
    .set({ locked_until: null, failed_logins: 0, updated_at: new Date() })
    .where('id', '=', userId)
    .execute();
}
