import { audit } from '../auth/audit';
import { issueToken } from '../auth/one-time-tokens';
import type { DB } from '../db/database';
import type { Locale } from '../i18n/locales';
import { fill } from '../i18n/locales';
import { enqueueMail } from '../mail/outbox';
import { composeMail } from '../mail/templates';
import { waitMessage } from '../web/action-limit';
import { accountLinksText } from './account-links.messages';
import { accountToLink, hasLink, insertLink, otherHoldersToTell } from './account-links.queries';
import {
  type AddAccountField,
  type AddAccountInput,
  addAccountProblems,
  maskLogin,
  provesAccount,
} from './account-proof';
import { formatAddress } from './accounts.queries';

export type AddAccountErrors = Partial<Record<AddAccountField | 'form', string>>;
export type AddAccountResult =
  | { ok: true; number: string; told: number }
  | { ok: false; errors: AddAccountErrors; retryAfter?: number };

export interface AddAccountContext {
  userId: number;
  login: string;
  locale: Locale;
  publicUrl: string;
  ip?: string | undefined;
  /** Counts the attempt; answers the seconds to wait when the user or the client tried too often. */
  limit: () => Promise<number>;
}

/**
 * Adds an account to the signed-in customer's list after the same proof registration asks (the
 * owner's surname, the holder's IIN where known; a company's BIN and contract). A wrong proof reads
 * the same as an unknown number. The link, the audit entry and a mail to every other cabinet
 * holding the account (with a single-use link that removes the new link) commit together.
 */
export async function addAccount(
  db: DB,
  input: AddAccountInput,
  ctx: AddAccountContext,
): Promise<AddAccountResult> {
  const t = accountLinksText[ctx.locale];
  const problems = addAccountProblems(input);
  if (Object.keys(problems).length > 0) {
    const errors: AddAccountErrors = {};
    for (const [name, problem] of Object.entries(problems)) errors[name as AddAccountField] = t[problem];
    return { ok: false, errors };
  }
  const auditRefusal = (action: string, subject: string) =>
    audit(db, { actorUserId: ctx.userId, action, subject, ip: ctx.ip });
  const wait = await ctx.limit();
  if (wait > 0) {
    await auditRefusal('account.add_limited', input.number);
    return { ok: false, errors: { form: waitMessage(ctx.locale, wait) }, retryAfter: wait };
  }
  const account = await accountToLink(db, input.number);
  if (account && (await hasLink(db, ctx.userId, account.id))) {
    return { ok: false, errors: { number: t.already } };
  }
  if (!account || !provesAccount(account, input)) {
    await auditRefusal('account.add_refused', input.number);
    return { ok: false, errors: { number: t.noMatch } };
  }
  if (account.closedOn !== null) {
    await auditRefusal('account.add_closed', account.number);
    return { ok: false, errors: { number: t.closed } };
  }
  return db.transaction().execute(async (tx): Promise<AddAccountResult> => {
    if (!(await insertLink(tx, ctx.userId, account.id))) return { ok: false, errors: { number: t.already } };
    const holders = await otherHoldersToTell(tx, account.id, ctx.userId);
    for (const holder of holders) {
      await tellHolder(tx, holder, {
        ...ctx,
        accountId: account.id,
        number: account.number,
        address: formatAddress(account),
      });
    }
    await audit(tx, {
      actorUserId: ctx.userId,
      action: 'account.add',
      subject: account.number,
      ip: ctx.ip,
      details: { kind: account.kind, told: holders.map((h) => h.login) },
    });
    return { ok: true, number: account.number, told: holders.length };
  });
}

/** Mails one earlier holder of the account, in their language, with the link that undoes the new link. */
async function tellHolder(
  tx: DB,
  holder: { id: number; login: string; firstName: string; email: string; locale: Locale },
  added: AddAccountContext & { accountId: number; number: string; address: string },
): Promise<void> {
  const t = accountLinksText[holder.locale];
  const token = await issueToken(tx, holder.id, 'revoke_account_link', {
    userId: String(added.userId),
    accountId: String(added.accountId),
  });
  const url = `${added.publicUrl.replace(/\/$/, '')}/accounts/revoke-link?token=${encodeURIComponent(token)}`;
  const body = composeMail(holder.locale, {
    greeting: fill(t.mailHello, { name: holder.firstName || holder.login }),
    paragraphs: [
      fill(t.mailBody, { number: added.number, address: added.address, login: maskLogin(added.login) }),
      t.mailIfNotYou,
    ],
    link: { url, label: t.mailLink },
    footer: t.mailFooter,
  });
  await enqueueMail(tx, { to: holder.email, subject: t.mailSubject, ...body, purpose: 'account.link_added' });
}
