import type { DB } from '../../src/db/database';
import { customerOf, meteredAccount } from './factories';

/** A confirmed cabinet customer of a new household account of its own (see factories.ts). */
export async function confirmedCustomer(
  db: DB,
  options: { password: string; email: string; locale?: 'kk' | 'ru' | 'en' },
) {
  const account = await meteredAccount(db);
  const user = await customerOf(db, account, options);
  return { id: user.id, login: user.login, account: account.number, surname: account.surname };
}
