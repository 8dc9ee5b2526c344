import type { DB } from '../db/database';

/** The accounts (id and number) of these meters in service; one row per account. */
export async function accountsOfMeters(
  db: DB,
  meterIds: number[],
): Promise<{ id: number; number: string }[]> {
  if (!meterIds.length) return [];
  return db
    .selectFrom('meters')
    .innerJoin('accounts', 'accounts.id', 'meters.account_id')
    .select(['accounts.id', 'accounts.number'])
    .where('meters.id', 'in', meterIds)
    .where('meters.removed_on', 'is', null)
    .groupBy(['accounts.id', 'accounts.number'])
    .execute();
}

/** Meters in service among these ids (how many of them exist and are in service). */
export async function metersInService(db: DB, meterIds: number[]): Promise<number> {
  if (!meterIds.length) return 0;
  const row = await db
    .selectFrom('meters')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('id', 'in', meterIds)
    .where('removed_on', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Stores an account's draft, replacing the one it had. */
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
    .onConflict((oc) => oc.column('account_id').doUpdateSet({ ...values, created_at: new Date() }))
    .execute();
}

/** Deletes the drafts expired by `now`. */
export async function deleteExpiredReadingDrafts(db: DB, now: Date): Promise<void> {
  await db.deleteFrom('reading_drafts').where('expires_at', '<=', now).execute();
}

/** Deletes the draft with this token hash and answers it (it is used once). */
export async function takeReadingDraftRow(
  db: DB,
  tokenHash: string,
): Promise<{ accountId: number; typed: Record<string, string>; expiresAt: Date } | undefined> {
  const row = await db
    .deleteFrom('reading_drafts')
    .where('token_hash', '=', tokenHash)
    .returning(['account_id', 'typed', 'expires_at'])
    .executeTakeFirst();
  return row
    ? {
        accountId: row.account_id,
        typed: typeof row.typed === 'string' ? JSON.parse(row.typed) : row.typed,
        expiresAt: new Date(row.expires_at),
      }
    : undefined;
}
