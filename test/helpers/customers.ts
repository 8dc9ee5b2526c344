import { hashPassword } from '../../src/auth/passwords';
import type { DB } from '../../src/db/database';

/** A confirmed cabinet customer on the first individual account nobody has signed up for. */
export async function confirmedCustomer(
  db: DB,
  options: { password: string; email: string; locale?: 'kk' | 'ru' | 'en' },
) {
  const account = await db
    .selectFrom('accounts')
    .leftJoin('user_accounts', 'user_accounts.account_id', 'accounts.id')
    .select(['accounts.id', 'accounts.number', 'accounts.owner_surname'])
    .where('accounts.kind', '=', 'individual')
    .where('user_accounts.user_id', 'is', null)
    .orderBy('accounts.number')
    .executeTakeFirstOrThrow();
  const user = await db
    .insertInto('users')
    .values({
      login: account.number,
      email: options.email,
      email_confirmed_at: new Date(),
      first_name: 'Айгүл',
      last_name: account.owner_surname,
      role: 'customer',
      customer_kind: 'individual',
      password_hash: await hashPassword(options.password),
      locale: options.locale ?? 'ru',
    })
    .returning(['id', 'login'])
    .executeTakeFirstOrThrow();
  await db.insertInto('user_accounts').values({ user_id: user.id, account_id: account.id }).execute();
  return { id: user.id, login: user.login, account: account.number, surname: account.owner_surname };
}
