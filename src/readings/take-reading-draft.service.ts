import type { DB } from '../db/database';
import { draftTokenHash, isDraftToken } from './reading-draft-token';
import { takeReadingDraftRow } from './reading-drafts.queries';

/**
 * The use case "the readings form is shown after a login": the values kept by keepReadingDraft
 * for this browser (its cookie's token), if they were typed for `accountId` (the page's account,
 * which the signed-in customer holds) and have not expired, limited to `meterIds` (the account's
 * meters in service). The draft is deleted whatever the answer: it fills a form in once.
 */
export async function takeReadingDraft(
  db: DB,
  input: { token: string | undefined; accountId: number; meterIds: number[]; now: Date },
): Promise<Record<number, string> | null> {
  if (!isDraftToken(input.token)) return null;
  const draft = await takeReadingDraftRow(db, draftTokenHash(input.token));
  if (!draft || draft.accountId !== input.accountId || draft.expiresAt <= input.now) return null;
  const typed: Record<number, string> = {};
  for (const id of input.meterIds) {
    const value = draft.typed[String(id)];
    if (typeof value === 'string') typed[id] = value;
  }
  return Object.keys(typed).length ? typed : null;
}
