import type { DB } from '../db/database';
import { DRAFT_MS, draftTokenHash, newDraftToken } from './reading-draft-token';
import {
  accountsOfMeters,
  deleteExpiredReadingDrafts,
  metersInService,
  putReadingDraft,
} from './reading-drafts.queries';

/** A draft holds at most this many fields of at most DRAFT_VALUE_MAX characters. */
const DRAFT_FIELDS_MAX = 50;
const DRAFT_VALUE_MAX = 30;

/**
 * The use case "the readings form arrives after the session expired": keeps what was typed for the
 * account whose meters they are, for DRAFT_MS, so the form comes back filled in after the login
 * (decision 130). Answers the token for the browser's cookie, or null when nothing is kept: nothing
 * filled in, too much, meters unknown or of more than one account, or not of the account the
 * form was for. Nothing here is a submitted reading; the draft only fills the form in.
 */
export async function keepReadingDraft(
  db: DB,
  input: { typed: Record<number, string>; accountNumber: string | undefined; now: Date },
): Promise<{ token: string; expiresAt: Date } | null> {
  const filled = Object.entries(input.typed).filter(([, v]) => v.trim() !== '');
  if (!filled.length || filled.length > DRAFT_FIELDS_MAX) return null;
  if (filled.some(([, v]) => v.length > DRAFT_VALUE_MAX)) return null;
  const ids = filled.map(([id]) => Number(id));
  return db.transaction().execute(async (tx) => {
    const accounts = await accountsOfMeters(tx, ids);
    const account = accounts[0];
    if (accounts.length !== 1 || !account || (await metersInService(tx, ids)) !== ids.length) return null;
    if (input.accountNumber && input.accountNumber !== account.number) return null;
    await deleteExpiredReadingDrafts(tx, input.now);
    const token = newDraftToken();
    const expiresAt = new Date(input.now.getTime() + DRAFT_MS);
    await putReadingDraft(tx, {
      accountId: account.id,
      tokenHash: draftTokenHash(token),
      typed: Object.fromEntries(filled.map(([id, v]) => [id, v.trim()])),
      expiresAt,
    });
    return { token, expiresAt };
  });
}
