import type { Locale } from '../db/schema';
import { sortByName } from '../i18n/collation';
import { formatDate } from '../i18n/locales';
import { Layout } from '../web/layout';
import type { PageContext } from '../web/request-context';
import { nText } from './notes.messages';
import type { NoteView } from './notes.queries';

export function NoteCard({ note, locale }: { note: NoteView; locale: Locale }) {
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

/** The public notices page: current outages first, then the ten latest past ones. */
export function NotesPage({
  ctx,
  current,
  past,
}: {
  ctx: PageContext;
  current: NoteView[];
  past: NoteView[];
}) {
  const t = nText[ctx.locale];
  return (
    <Layout ctx={ctx} title={t.title}>
      <p>{t.intro}</p>
      {current.length === 0 ? <p>{t.none}</p> : null}
      <div class="cards" id="notes">
        {current.map((n) => (
          <NoteCard key={n.id} note={n} locale={ctx.locale} />
        ))}
      </div>
      {past.length ? (
        <>
          <h2>{t.past}</h2>
          <div class="cards">
            {past.map((n) => (
              <NoteCard key={n.id} note={n} locale={ctx.locale} />
            ))}
          </div>
        </>
      ) : null}
    </Layout>
  );
}
