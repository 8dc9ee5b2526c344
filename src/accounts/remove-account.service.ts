import { audit } from '../auth/audit';
import type { DB } from '../db/database';
import { deleteLink, lockUser } from './account-links.queries';
import { accountsOfUser } from './accounts.queries';

export type RemoveAccountResult = 'removed' | 'last' | 'notYours';

/**
 * Takes an account off the customer's list: only the link goes, the account's readings, invoices,
 * payments and ledger stay with the utility. The last account stays (a cabinet without an account
 * shows nothing; decision 160). Audited.
 */
export async function removeAccount(
  db: DB,
  input: { userId: number; number: string },
  ctx: { ip?: string | undefined },
): Promise<RemoveAccountResult> {
  return db.transaction().execute(async (tx): Promise<RemoveAccountResult> => {
    await lockUser(tx, input.userId);
    const accounts = await accountsOfUser(tx, input.userId);
    const account = accounts.find((a) => a.number === input.number);
    if (!account) return 'notYours';
    if (accounts.length === 1) return 'last';
    await deleteLink(tx, input.userId, account.id);
    await audit(tx, {
      actorUserId: input.userId,
      action: 'account.remove',
      subject: account.number,
      ip: ctx.ip,
    });
    return 'removed';
  });
}
