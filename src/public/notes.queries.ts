import { sql } from 'kysely';
import type { DB } from '../db/database';

export interface NoteView {
  id: number;
  title: string;
  body: string;
  starts_on: string;
  ends_on: string;
  streets: string[];
}

/** Notes with their street names; current ones (not yet ended) or past ones. */
export async function listNotes(db: DB, which: 'current' | 'past' | 'all', limit = 50): Promise<NoteView[]> {
  let q = db
    .selectFrom('notes')
    .select([
      'notes.id',
      'notes.title',
      'notes.body',
      'notes.starts_on',
      'notes.ends_on',
      sql<string>`coalesce((select string_agg(s.name, ', ' order by s.name) from note_streets ns
        join streets s on s.id = ns.street_id where ns.note_id = notes.id), '')`.as('street_list'),
    ])
    .limit(limit);
  if (which === 'current')
    q = q.where('notes.ends_on', '>=', sql<string>`current_date`).orderBy('notes.starts_on');
  else if (which === 'past')
    q = q.where('notes.ends_on', '<', sql<string>`current_date`).orderBy('notes.ends_on', 'desc');
  else q = q.orderBy('notes.id', 'desc');
  const rows = await q.execute();
  return rows.map((r) => ({ ...r, streets: r.street_list ? r.street_list.split(', ') : [] }));
}
