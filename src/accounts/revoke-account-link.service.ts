import { audit } from '../auth/audit';
import { consumeToken } from '../auth/one-time-tokens';
import type { DB } from '../db/database';
import type { Locale } from '../db/schema';
import { fill } from '../i18n/locales';
import { enqueueMail } from '../mail/outbox';
import { composeMail } from '../mail/templates';
import { accountLinksText } from './account-links.messages';
import { deleteLink, hasLink, loginOf } from './account-links.queries';
import { findAccountById, formatAddress } from './accounts.queries';

export type RevokeLinkResult =
  | { kind: 'revoked'; number: string; login: string }
  | { kind: 'gone'; number: string }
  | { kind: 'invalid' };

/**
 * The mailed link of an account's earlier holder removes the link another user added to it. The
 * token is the proof (no login needed) and works once; it is refused when the holder no longer
 * holds the account. The removal, its audit entry and a mail to the user whose link was removed
 * (when their address is confirmed) commit with the token's use.
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
    if (removed && other?.email)
      await tellRemoved(tx, { ...other, email: other.email }, account.number, formatAddress(account));
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

/** Tells the user whose link was removed, in their language, what happened and how to add the account again. */
async function tellRemoved(
  tx: DB,
  user: { login: string; firstName: string | null; email: string; locale: Locale },
  number: string,
  address: string,
): Promise<void> {
  const t = accountLinksText[user.locale];
  const body = composeMail(user.locale, {
    greeting: fill(t.mailHello, { name: user.firstName || user.login }),
    paragraphs: [fill(t.revokedMailBody, { number, address }), t.revokedMailWhatNow],
    footer: t.mailFooter,
  });
  await enqueueMail(tx, {
    to: user.email,
    subject: t.revokedMailSubject,
    ...body,
    purpose: 'account.link_revoked',
  });
}
