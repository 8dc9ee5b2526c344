import type { DB } from '../db/database';
import { listNotes, type NoteView } from './notes.queries';

/** The notices page: the current notes and the ten latest past ones. */
export async function publicNotes(db: DB): Promise<{ current: NoteView[]; past: NoteView[] }> {
  const [current, past] = await Promise.all([listNotes(db, 'current'), listNotes(db, 'past', 10)]);
  return { current, past };
}
