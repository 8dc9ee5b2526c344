import { findAccountByNumber } from '../accounts/accounts.queries';
import type { DB } from '../db/database';
import { metersOfAccount } from '../readings/readings.queries';
import {
  cabinetUsersOfAccount,
  findCustomerOfAccount,
  recentAccountMonths,
  recentReadingsOfAccount,
  searchAccounts,
  unlockUser,
} from './accounts.queries';
import { auditStaff, type StaffActor } from './actor';
import { sendUserLink } from './mail-links';

const ACCOUNT_NUMBER = /^[0-9]{8}$/;

export type AccountLookup =
  | { kind: 'none' }
  | { kind: 'tooShort' }
  /** An 8-digit number that names exactly one account: the page goes straight to it. */
  | { kind: 'exact'; number: string }
  | { kind: 'hits'; hits: Awaited<ReturnType<typeof searchAccounts>> };

/** Finds the accounts an operator typed (`q` already trimmed): nothing typed, too short, or the hits. */
export async function lookUpAccounts(db: DB, q: string): Promise<AccountLookup> {
  if (!q) return { kind: 'none' };
  if (q.length < 2) return { kind: 'tooShort' };
  const hits = await searchAccounts(db, q);
  if (hits.length === 1 && ACCOUNT_NUMBER.test(q)) return { kind: 'exact', number: q };
  return { kind: 'hits', hits };
}

/** An account as the back-office card shows it: facts, meters, readings, settlements, cabinet users. */
export async function loadAccountCard(db: DB, number: string) {
  const account = ACCOUNT_NUMBER.test(number) ? await findAccountByNumber(db, number) : undefined;
  if (!account) return undefined;
  const [meters, readings, months, users] = await Promise.all([
    metersOfAccount(db, account.id),
    recentReadingsOfAccount(db, account.id),
    recentAccountMonths(db, account.id),
    cabinetUsersOfAccount(db, account.id),
  ]);
  return { account, meters, readings, months, users };
}

export type AccountCard = NonNullable<Awaited<ReturnType<typeof loadAccountCard>>>;

export const USER_ACTIONS = ['resend', 'unlock', 'reset'] as const;
export type UserAction = (typeof USER_ACTIONS)[number];

export type UserActionResult =
  | { kind: 'notFound' }
  | { kind: 'noEmail' }
  | { kind: 'limited'; wait: number }
  | { kind: 'done' };

/**
 * An operator's help to a cabinet user of an account: resend the confirmation email, lift the
 * login lock, or send a password reset link. Only a customer linked to this account is acted on.
 * Links by mail are limited (`linkLimit` answers the seconds to wait for a subject, 0 when free);
 * the act and a refused attempt are audited.
 */
export async function helpCabinetUser(
  deps: { db: DB; publicUrl: string; linkLimit: (subject: string) => Promise<number> },
  input: { number: string; userId: number; op: UserAction; actor: StaffActor },
): Promise<UserActionResult> {
  const { db } = deps;
  const { number, op, actor } = input;
  const user = await findCustomerOfAccount(db, number, input.userId);
  if (!user) return { kind: 'notFound' };
  if (op !== 'unlock' && !user.email) return { kind: 'noEmail' };
  if (op !== 'unlock') {
    // Links by mail: a few an hour per customer, whoever of the staff sends them.
    const wait = await deps.linkLimit(`customer:${user.id}`);
    if (wait) {
      await auditStaff(db, actor, `account.user.${op}.limited`, number, { userId: user.id, wait });
      return { kind: 'limited', wait };
    }
  }
  await db.transaction().execute(async (tx) => {
    if (op === 'unlock') await unlockUser(tx, user.id);
    else {
      const kind = op === 'resend' ? 'confirm_email' : 'reset_password';
      await sendUserLink(tx, deps.publicUrl, { ...user, email: user.email ?? '' }, kind);
    }
    await auditStaff(tx, actor, `account.user.${op}`, number, { userId: user.id, login: user.login });
  });
  return { kind: 'done' };
}
