import type { DB } from '../db/database';

/** The account (id and number) of each of these meters that is in service; one row per meter. */
export async function accountsOfMetersInService(
  db: DB,
  meterIds: number[],
): Promise<{ meterId: number; accountId: number; number: string }[]> {
  if (!meterIds.length) return [];
  return db
    .selectFrom('meters')
    .innerJoin('accounts', 'accounts.id', 'meters.account_id')
    .select(['meters.id as meterId', 'accounts.id as accountId', 'accounts.number'])
    .where('meters.id', 'in', meterIds)
    .where('meters.removed_on', 'is', null)
    .execute();
}

/** Stores an account's draft under a browser's token (a second form of that browser replaces it). */
export async function putReadingDraft(
  db: DB,
  draft: { accountId: number; tokenHash: string; typed: Record<string, string>; expiresAt: Date },
): Promise<void> {
  const values = {
    token_hash: draft.tokenHash,
    typed: JSON.stringify(draft.typed),
    expires_at: draft.expiresAt,
  };
  await db
    .insertInto('reading_drafts')
    .values({ account_id: draft.accountId, ...values })
    .onConflict((oc) =>
      oc.columns(['token_hash', 'account_id']).doUpdateSet({ ...values, created_at: new Date() }),
    )
    .execute();
}

/** Deletes the drafts expired by `now`. */
export async function deleteExpiredReadingDrafts(db: DB, now: Date): Promise<void> {
  await db.deleteFrom('reading_drafts').where('expires_at', '<=', now).execute();
}

/** Deletes the drafts with this token hash (one per account) and answers them: they are used once. */
export async function takeReadingDraftRows(
  db: DB,
  tokenHash: string,
): Promise<{ accountId: number; typed: Record<string, string>; expiresAt: Date }[]> {
  const rows = await db
    .deleteFrom('reading_drafts')
    .where('token_hash', '=', tokenHash)
    .returning(['account_id', 'typed', 'expires_at'])
    .execute();
  return rows.map((row) => ({
    accountId: row.account_id,
    typed: typeof row.typed === 'string' ? JSON.parse(row.typed) : row.typed,
    expiresAt: new Date(row.expires_at),
  }));
}
