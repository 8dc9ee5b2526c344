import type { DB } from '../db/database';

/** The cabinet customer a recovery names by login or email, with what proves ownership. */
export function recoveryUserByLoginOrEmail(db: DB, value: string) {
  return db
    .selectFrom('users')
    .select([
      'id',
      'login',
      'email',
      'first_name',
      'locale',
      'email_confirmed_at',
      'customer_kind',
      'iin_hash',
    ])
    .where('role', '=', 'customer')
    .where((eb) =>
      value.includes('@') ? eb(eb.fn('lower', ['email']), '=', value.toLowerCase()) : eb('login', '=', value),
    )
    .executeTakeFirst();
}

export function recoveryUserByLogin(db: DB, login: string) {
  return db
    .selectFrom('users')
    .select(['id', 'login', 'email', 'first_name', 'locale', 'customer_kind', 'iin_hash'])
    .where('login', '=', login)
    .where('role', '=', 'customer')
    .executeTakeFirst();
}

/** The accounts of a user (none for an id that matches no user: the same query runs either way). */
export function holderAccounts(db: DB, userId: number) {
  return db
    .selectFrom('user_accounts')
    .innerJoin('accounts', 'accounts.id', 'user_accounts.account_id')
    .select(['accounts.number', 'accounts.contract_number', 'accounts.bin_iin'])
    .where('user_accounts.user_id', '=', userId)
    .execute();
}
