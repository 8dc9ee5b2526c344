import { audit } from '../auth/audit';
import { consumeToken } from '../auth/one-time-tokens';
import type { DB } from '../db/database';
import { deleteLink, hasLink, loginOf } from './account-links.queries';
import { findAccountById } from './accounts.queries';

export type RevokeLinkResult =
  | { kind: 'revoked'; number: string; login: string }
  | { kind: 'gone'; number: string }
  | { kind: 'invalid' };

/**
 * The mailed link of an account's earlier holder removes the link another user added to it. The
 * token is the proof (no login needed) and works once; it is refused when the holder no longer
 * holds the account. The removal and its audit entry commit with the token's use.
 */
export async function revokeAccountLink(db: DB, token: string, ctx: { ip?: string | undefined }) {
  return db.transaction().execute(async (tx): Promise<RevokeLinkResult> => {
    const used = await consumeToken(tx, token, 'revoke_account_link');
    const userId = Number(used?.payload.userId);
    const accountId = Number(used?.payload.accountId);
    const valid =
      used !== null &&
      Number.isInteger(userId) &&
      Number.isInteger(accountId) &&
      (await hasLink(tx, used.userId, accountId));
    const account = valid ? await findAccountById(tx, accountId) : undefined;
    if (!used || !account) {
      await audit(tx, { actorUserId: used?.userId ?? null, action: 'account.revoke_failed', ip: ctx.ip });
      return { kind: 'invalid' };
    }
    const other = await loginOf(tx, userId);
    const removed = other ? await deleteLink(tx, userId, accountId) : false;
    await audit(tx, {
      actorUserId: used.userId,
      action: removed ? 'account.link_revoked' : 'account.revoke_gone',
      subject: account.number,
      ip: ctx.ip,
      details: { userId, login: other?.login ?? null },
    });
    return removed && other
      ? { kind: 'revoked', number: account.number, login: other.login }
      : { kind: 'gone', number: account.number };
  });
}
