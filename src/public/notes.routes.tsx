import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { AppDeps } from '../app-deps';
import type { DB } from '../db/database';
import { sortByName } from '../i18n/collation';
import { formatDate } from '../i18n/locales';
import { sendPage } from '../web/html';
import { Layout } from '../web/layout';
import { pageContext } from '../web/request-context';
import { nText } from './notes.messages';

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

export function NoteCard({ note, locale }: { note: NoteView; locale: 'kk' | 'ru' | 'en' }) {
  const t = nText[locale];
  return (
    <article id={`note-${note.id}`}>
      <h2>{note.title}</h2>
      <p class="muted">
        {t.dates}: {formatDate(note.starts_on)} – {formatDate(note.ends_on)}
      </p>
      <p>
        <strong>{t.streets}:</strong> {sortByName(note.streets, locale, (s) => s).join(', ')}
      </p>
      <p class="pre">{note.body}</p>
    </article>
  );
}

export async function publicNoteRoutes(app: FastifyInstance, { db }: AppDeps) {
  app.get('/notes', async (req, reply) => {
    const t = nText[req.locale];
    const ctx = pageContext(req, reply);
    const [current, past] = await Promise.all([listNotes(db, 'current'), listNotes(db, 'past', 10)]);
    return sendPage(
      reply,
      <Layout ctx={ctx} title={t.title}>
        <p>{t.intro}</p>
        {current.length === 0 ? <p>{t.none}</p> : null}
        <div class="cards" id="notes">
          {current.map((n) => (
            <NoteCard key={n.id} note={n} locale={req.locale} />
          ))}
        </div>
        {past.length ? (
          <>
            <h2>{t.past}</h2>
            <div class="cards">
              {past.map((n) => (
                <NoteCard key={n.id} note={n} locale={req.locale} />
              ))}
            </div>
          </>
        ) : null}
      </Layout>,
    );
  });
}
