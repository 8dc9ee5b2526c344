import type { DB } from '../db/database';
import { setChosenAccount } from './account-links.queries';
import { accountsOfUser } from './accounts.queries';

/**
 * Keeps the account the customer picked in the header switcher as their cabinet's default (every
 * page, PDF and form without an account in its address follows it, on every device). False when
 * the number is not one of theirs.
 */
export async function chooseAccount(db: DB, input: { userId: number; number: string }): Promise<boolean> {
  const account = (await accountsOfUser(db, input.userId)).find((a) => a.number === input.number);
  return account !== undefined && setChosenAccount(db, input.userId, account.id);
}
