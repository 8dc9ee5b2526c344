import type { DB } from '../db/database';
import { draftTokenHash, isDraftToken } from './reading-draft-token';
import { takeReadingDraftRows } from './reading-drafts.queries';

/**
 * The use case "a readings form is shown after a login": the values kept by keepReadingDraft for
 * this browser (its cookie's token), of the accounts in `accountIds` (the page's account, or every
 * account of the signed-in customer on the form of all premises), not expired, limited to
 * `meterIds` (those accounts' meters in service). The drafts are deleted whatever the answer: they
 * fill a form in once.
 */
export async function takeReadingDraft(
  db: DB,
  input: { token: string | undefined; accountIds: number[]; meterIds: number[]; now: Date },
): Promise<Record<number, string> | null> {
  if (!isDraftToken(input.token)) return null;
  const drafts = await takeReadingDraftRows(db, draftTokenHash(input.token));
  const kept: Record<string, string> = {};
  for (const draft of drafts) {
    if (input.accountIds.includes(draft.accountId) && draft.expiresAt > input.now)
      Object.assign(kept, draft.typed);
  }
  const typed: Record<number, string> = {};
  for (const id of input.meterIds) {
    const value = kept[String(id)];
    if (typeof value === 'string') typed[id] = value;
  }
  return Object.keys(typed).length ? typed : null;
}
