import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { AppDeps } from '../app-deps';
import type { Database } from '../db/schema';
import { sortByName } from '../i18n/collation';
import { formatDate } from '../i18n/locales';
import { enqueueMail } from '../mail/outbox';
import { nText } from '../public/notes.messages';
import { listNotes, NoteCard } from '../public/notes.routes';
import { Field, Form, field, isCalendarDate, positiveInt } from '../web/forms';
import { sendPage } from '../web/html';
import { Notice } from '../web/layout';
import { pageContext } from '../web/request-context';
import { staffAudit } from './home.routes';
import { BackofficeLayout } from './layout';

const validDate = isCalendarDate;

/**
 * Mails a note to every customer who subscribed to announcements and has an account on one of its
 * streets: one message per user and note (the dedupe key), in the user's language.
 */
export async function mailNoteSubscribers(
  tx: Kysely<Database>,
  note: { id: number; title: string; body: string; starts_on: string; ends_on: string },
  streetIds: number[],
  publicUrl: string,
): Promise<number> {
  if (streetIds.length === 0) return 0;
  const users = await tx
    .selectFrom('users')
    .innerJoin('user_accounts', 'user_accounts.user_id', 'users.id')
    .innerJoin('accounts', 'accounts.id', 'user_accounts.account_id')
    .innerJoin('premises', 'premises.id', 'accounts.premise_id')
    .innerJoin('buildings', 'buildings.id', 'premises.building_id')
    .innerJoin('streets', 'streets.id', 'buildings.street_id')
    .select(['users.id', 'users.email', 'users.locale', 'streets.name as street'])
    .where('users.subscribe_announcements', '=', true)
    .where('users.role', '=', 'customer')
    .where('users.email', 'is not', null)
    .where('users.email_confirmed_at', 'is not', null)
    .where('buildings.street_id', 'in', streetIds)
    .orderBy('users.id')
    .execute();
  const byUser = new Map<number, { email: string; locale: 'kk' | 'ru' | 'en'; streets: Set<string> }>();
  for (const u of users) {
    const entry = byUser.get(u.id) ?? { email: u.email ?? '', locale: u.locale, streets: new Set<string>() };
    entry.streets.add(u.street);
    byUser.set(u.id, entry);
  }
  let sent = 0;
  for (const [userId, u] of byUser) {
    const t = nText[u.locale];
    const id = await enqueueMail(tx, {
      to: u.email,
      subject: `${t.mailSubject}: ${note.title}`,
      text: [
        note.title,
        '',
        `${t.mailDates} ${formatDate(note.starts_on)} – ${formatDate(note.ends_on)}`,
        `${t.mailStreets} ${sortByName([...u.streets], u.locale, (s) => s).join(', ')}`,
        '',
        note.body,
        '',
        `${publicUrl.replace(/\/$/, '')}/notes`,
        '',
        t.mailFooter,
      ].join('\n'),
      purpose: 'note.announcement',
      dedupeKey: `note:${note.id}:user:${userId}`,
    });
    if (id !== null) sent += 1;
  }
  return sent;
}

interface NoteForm {
  values: { title: string; body: string; starts_on: string; ends_on: string; streets: number[] };
  errors: Partial<Record<'title' | 'body' | 'starts_on' | 'ends_on' | 'streets', string>>;
}

export async function backofficeNoteRoutes(app: FastifyInstance, { db, config }: AppDeps) {
  const render = async (req: FastifyRequest, reply: FastifyReply, form?: NoteForm, posted?: string) => {
    const t = nText[req.locale];
    const ctx = pageContext(req, reply);
    const [streets, notes] = await Promise.all([
      db
        .selectFrom('streets')
        .select(['id', 'name'])
        .execute()
        .then((rows) => sortByName(rows, req.locale, (s) => s.name)),
      listNotes(db, 'all', 30),
    ]);
    const v = form?.values ?? { title: '', body: '', starts_on: '', ends_on: '', streets: [] };
    const e = form?.errors ?? {};
    return sendPage(
      reply,
      <BackofficeLayout ctx={ctx} title={t.manage}>
        {posted !== undefined ? (
          <Notice kind="success">
            {t.posted} <span id="mailed">{posted}</span>
          </Notice>
        ) : null}
        <h2>{t.newNote}</h2>
        <Form action="/backoffice/notes" csrfToken={ctx.csrfToken} class="form wide-form" id="note-form">
          <Field name="title" label={t.noteTitle} value={v.title} error={e.title} required maxLength={200} />
          <div class={e.body ? 'field has-error' : 'field'}>
            <label for="f-body">
              {t.body}
              <span class="req"> *</span>
            </label>
            <textarea id="f-body" name="body" maxLength={4000} rows={6} required>
              {v.body}
            </textarea>
            {e.body ? <p class="error">{e.body}</p> : null}
          </div>
          <Field
            name="starts_on"
            type="date"
            label={t.startsOn}
            value={v.starts_on}
            error={e.starts_on}
            required
          />
          <Field name="ends_on" type="date" label={t.endsOn} value={v.ends_on} error={e.ends_on} required />
          <fieldset class={e.streets ? 'field has-error' : 'field'}>
            <legend>{t.chooseStreets}</legend>
            <div class="street-list">
              {streets.map((s) => (
                <label key={s.id} style={undefined}>
                  <input
                    type="checkbox"
                    name="street"
                    value={String(s.id)}
                    checked={v.streets.includes(s.id)}
                  />{' '}
                  {s.name}
                  <br />
                </label>
              ))}
            </div>
            {e.streets ? <p class="error">{e.streets}</p> : null}
          </fieldset>
          <button type="submit" class="primary">
            {t.publish}
          </button>
        </Form>
        <div class="cards">
          {notes.map((n) => (
            <NoteCard key={n.id} note={n} locale={req.locale} />
          ))}
        </div>
      </BackofficeLayout>,
      form ? 400 : 200,
    );
  };

  app.get<{ Querystring: { posted?: string } }>('/backoffice/notes', (req, reply) =>
    render(req, reply, undefined, req.query.posted),
  );

  app.post('/backoffice/notes', async (req, reply) => {
    const t = nText[req.locale];
    const raw = (req.body as Record<string, unknown> | undefined)?.street;
    const streetList = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw])
      .map((s) => positiveInt(s))
      .filter((n): n is number => n !== null);
    const values = {
      title: field(req.body, 'title').slice(0, 200),
      body: field(req.body, 'body').slice(0, 4000),
      starts_on: field(req.body, 'starts_on'),
      ends_on: field(req.body, 'ends_on'),
      streets: [...new Set(streetList)],
    };
    const errors: NoteForm['errors'] = {};
    if (!values.title) errors.title = t.required;
    if (!values.body) errors.body = t.required;
    if (!validDate(values.starts_on)) errors.starts_on = values.starts_on ? t.badDate : t.required;
    if (!validDate(values.ends_on)) errors.ends_on = values.ends_on ? t.badDate : t.required;
    else if (!errors.starts_on && values.ends_on < values.starts_on) errors.ends_on = t.endBeforeStart;
    const known = values.streets.length
      ? await db.selectFrom('streets').select('id').where('id', 'in', values.streets).execute()
      : [];
    if (known.length === 0) errors.streets = t.noStreets;
    if (Object.keys(errors).length) return render(req, reply, { values, errors });
    const streetIds = known.map((s) => s.id);
    const mailed = await db.transaction().execute(async (tx) => {
      const note = await tx
        .insertInto('notes')
        .values({
          title: values.title,
          body: values.body,
          starts_on: values.starts_on,
          ends_on: values.ends_on,
          created_by: req.user?.id ?? null,
        })
        .returning(['id', 'title', 'body', 'starts_on', 'ends_on'])
        .executeTakeFirstOrThrow();
      await tx
        .insertInto('note_streets')
        .values(streetIds.map((street_id) => ({ note_id: note.id, street_id })))
        .execute();
      const count = await mailNoteSubscribers(tx, note, streetIds, config.PUBLIC_URL);
      await staffAudit(tx, req, 'note.post', `note:${note.id}`, {
        title: note.title,
        streets: streetIds,
        mailed: count,
      });
      return count;
    });
    return reply.redirect(`/backoffice/notes?posted=${mailed}`, 303);
  });
}
