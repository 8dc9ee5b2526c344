import type { FastifyRequest } from 'fastify';
import type { DB } from '../db/database';
import { NotFoundError } from '../web/not-found';
import { type AccountView, accountsOfUser } from './accounts.queries';

export class AccountAccessError extends NotFoundError {}

/**
 * The account a customer's request is about. With a number, it must be one of the user's own
 * accounts; without one, the user's first account. Any other account is refused the same way
 * as a missing one, so nobody learns which numbers exist.
 */
export async function customerAccount(db: DB, req: FastifyRequest, number?: string): Promise<AccountView> {
  if (!req.user) throw new AccountAccessError('not signed in');
  const accounts = await accountsOfUser(db, req.user.id);
  const account = number ? accounts.find((a) => a.number === number) : accounts[0];
  if (!account) throw new AccountAccessError('no such account for this user');
  return account;
}
