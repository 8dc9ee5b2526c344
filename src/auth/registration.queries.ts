import type { DB } from '../db/database';
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

/** Whether the account has a cabinet user already, or the login is taken. */
export async function accountOrLoginTaken(db: DB, accountId: number, login: string): Promise<boolean> {
  const holder = await db
    .selectFrom('user_accounts')
    .select('user_id')
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  const sameLogin = await db.selectFrom('users').select('id').where('login', '=', login).executeTakeFirst();
  return Boolean(holder || sameLogin);
}

/** A new cabinet customer linked to its account; answers the user's id. */
export async function insertCustomer(
  db: DB,
  u: {
    login: string;
    email: string;
    firstName: string;
    lastName: string;
    kind: 'individual' | 'legal';
    passwordHash: string;
    iinHash: string | null;
    locale: Locale;
    accountId: number;
  },
): Promise<number> {
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
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.insertInto('user_accounts').values({ user_id: user.id, account_id: u.accountId }).execute();
  return user.id;
}
