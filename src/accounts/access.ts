import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { DB } from '../db/database';
import { NotFoundError } from '../web/not-found';
import { type AccountView, accountsOfUserWithChoice, formatAddress } from './accounts.queries';

export class AccountAccessError extends NotFoundError {}

/** The signed-in customer's accounts and the one they chose in the switcher (read once a request). */
interface AccountChoice {
  accounts: AccountView[];
  chosenId: number | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    customerAccounts: AccountChoice | null;
  }
}

async function accountChoice(db: DB, req: FastifyRequest, userId: number): Promise<AccountChoice> {
  if (!req.customerAccounts) {
    const accounts = await accountsOfUserWithChoice(db, userId);
    req.customerAccounts = { accounts, chosenId: accounts.find((a) => a.chosen)?.id ?? null };
  }
  return req.customerAccounts;
}

/** The account shown when the address names none: the chosen one while it is theirs, else the first. */
function defaultAccount(choice: AccountChoice): AccountView | undefined {
  return choice.accounts.find((a) => a.id === choice.chosenId) ?? choice.accounts[0];
}

/** What the header switcher lists, with the account the page is about selected. */
function showSwitcher(req: FastifyRequest, choice: AccountChoice, current: AccountView | undefined) {
  req.accountSwitcher = {
    current: current?.number ?? '',
    accounts: choice.accounts.map((a) => ({ number: a.number, address: formatAddress(a) })),
  };
}

/**
 * The account a customer's request is about. With a number, it must be one of the user's own
 * accounts; without one, the account the user chose in the header switcher, else their first.
 * Any other account is refused the same way as a missing one, so nobody learns which numbers exist.
 */
export async function customerAccount(db: DB, req: FastifyRequest, number?: string): Promise<AccountView> {
  if (!req.user) throw new AccountAccessError('not signed in');
  const choice = await accountChoice(db, req, req.user.id);
  const account = number ? choice.accounts.find((a) => a.number === number) : defaultAccount(choice);
  if (!account) throw new AccountAccessError('no such account for this user');
  showSwitcher(req, choice, account);
  return account;
}

/**
 * Every cabinet page of a signed-in customer gets the header switcher (drawn when they have more
 * than one account); pages about an account select the one they show (`customerAccount`).
 */
export function installAccountSwitcher(app: FastifyInstance, db: DB) {
  app.decorateRequest('customerAccounts', null);
  app.decorateRequest('accountSwitcher', null);
  app.addHook('preHandler', async (req) => {
    const user = req.user;
    // Pages only: a form's POST answers with a redirect, or draws its page through customerAccount.
    if (req.method !== 'GET' && req.method !== 'HEAD') return;
    if (user?.role !== 'customer' || user.apiToken || !req.url.startsWith('/cabinet')) return;
    const choice = await accountChoice(db, req, user.id);
    showSwitcher(req, choice, defaultAccount(choice));
  });
}
