import type { DB } from '../db/database';
import { DRAFT_MS, draftTokenHash, newDraftToken } from './reading-draft-token';
import {
  accountsOfMetersInService,
  deleteExpiredReadingDrafts,
  putReadingDraft,
} from './reading-drafts.queries';

/** A value is kept up to this many characters; a longer one is not a reading anyone typed. */
const DRAFT_VALUE_MAX = 30;
/** The form of one account holds at most this many fields; the form of all premises this many. */
const FIELDS_MAX = { one: 50, several: 1000 } as const;

/**
 * The use case "a readings form arrives after the session expired": keeps what was typed for the
 * accounts whose meters they are, for DRAFT_MS, so the form comes back filled in after the login
 * (decision 130). `accounts: 'one'` is the readings page of one account (`accountNumber`, when the
 * form names it, must be theirs); `'several'` the form of all premises, a row per account under
 * the same token. The form of one account keeps rows only when every meter is in service on one
 * account (the one the form names, if it names one); the form of all premises keeps the values of
 * the meters in service, per account, and drops the other ids, whatever they are. Nothing filled
 * in, too many fields or too long a value answer null. Otherwise the answer is a token for the browser's cookie whether rows
 * were written or not: anyone can send this form, and an answer that differed would tell whether
 * the meter ids sent are in service (decision 188). Nothing here is a submitted reading; the
 * draft only fills the form in.
 */
export async function keepReadingDraft(
  db: DB,
  input: {
    typed: Record<number, string>;
    accountNumber?: string | undefined;
    accounts?: 'one' | 'several';
    now: Date;
  },
): Promise<{ token: string; expiresAt: Date } | null> {
  const several = input.accounts === 'several';
  const filled = Object.entries(input.typed).filter(([, v]) => v.trim() !== '');
  if (!filled.length || filled.length > FIELDS_MAX[several ? 'several' : 'one']) return null;
  if (filled.some(([, v]) => v.length > DRAFT_VALUE_MAX)) return null;
  const token = newDraftToken();
  const expiresAt = new Date(input.now.getTime() + DRAFT_MS);
  await db.transaction().execute(async (tx) => {
    const meters = await accountsOfMetersInService(
      tx,
      filled.map(([id]) => Number(id)),
    );
    const accounts = new Map(meters.map((m) => [m.accountId, m.number]));
    await deleteExpiredReadingDrafts(tx, input.now);
    // The form of all premises keeps the meters in service whatever other ids it names: had one
    // unknown id dropped the whole draft, a stranger's own meter sent next to a probed id would
    // come back filled in only when the probed id is a meter (decision 191).
    if (!several && meters.length !== filled.length) return;
    if (!several && accounts.size !== 1) return;
    if (!several && input.accountNumber && !new Set(accounts.values()).has(input.accountNumber)) return;
    const typedOf = new Map(filled.map(([id, v]) => [Number(id), v.trim()]));
    for (const accountId of accounts.keys()) {
      const own = meters.filter((m) => m.accountId === accountId);
      await putReadingDraft(tx, {
        accountId,
        tokenHash: draftTokenHash(token),
        typed: Object.fromEntries(own.map((m) => [String(m.meterId), typedOf.get(m.meterId) ?? ''])),
        expiresAt,
      });
    }
  });
  return { token, expiresAt };
}
