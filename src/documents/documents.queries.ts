import { type DB, executePrepared } from '../db/database';

/** The user's address and invoice subscription, as the document pages and their mail actions need them. */
export async function userMailState(db: DB, userId: number) {
  const [row] = await executePrepared(
    db,
    db.selectFrom('users').select(['email', 'subscribe_invoices', 'locale']).where('id', '=', userId),
  );
  return row;
}

export async function setSubscribeInvoices(db: DB, userId: number, subscribe: boolean): Promise<void> {
  await db
    .updateTable('users')
    .set({ subscribe_invoices: subscribe, updated_at: new Date() })
    .where('id', '=', userId)
    .execute();
}
