import type { Kysely } from 'kysely';
import { accountWithAddress } from '../accounts/accounts.queries';
import type { DB } from '../db/database';
import type { Database } from '../db/schema';

/** Notes with their street names: the public notes page's query, which the back-office lists too. */
export { listNotes, type NoteView } from '../public/notes.queries';

/** Every street (id and name), unsorted: the caller sorts by the page's language. */
export function listStreets(db: DB) {
  return db.selectFrom('streets').select(['id', 'name']).execute();
}

/** Which of these street ids exist. */
export async function existingStreetIds(db: DB, ids: number[]): Promise<number[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('streets').select('id').where('id', 'in', ids).execute();
  return rows.map((s) => s.id);
}

export interface NewNote {
  title: string;
  body: string;
  starts_on: string;
  ends_on: string;
  created_by: number | null;
}

/** Stores a note and the streets it concerns. */
export async function insertNote(db: DB, note: NewNote, streetIds: number[]) {
  const row = await db
    .insertInto('notes')
    .values(note)
    .returning(['id', 'title', 'body', 'starts_on', 'ends_on'])
    .executeTakeFirstOrThrow();
  await db
    .insertInto('note_streets')
    .values(streetIds.map((street_id) => ({ note_id: row.id, street_id })))
    .execute();
  return row;
}

/**
 * Customers with a confirmed address who subscribed to announcements, one row per account on one of
 * these streets, with the street's name (in user id order).
 */
export function announcementSubscribers(db: Kysely<Database>, streetIds: number[]) {
  return accountWithAddress(db)
    .innerJoin('user_accounts', 'user_accounts.account_id', 'accounts.id')
    .innerJoin('users', 'users.id', 'user_accounts.user_id')
    .select(['users.id', 'users.email', 'users.locale'])
    .where('users.subscribe_announcements', '=', true)
    .where('users.role', '=', 'customer')
    .where('users.email', 'is not', null)
    .where('users.email_confirmed_at', 'is not', null)
    .where('buildings.street_id', 'in', streetIds)
    .orderBy('users.id')
    .execute();
}
