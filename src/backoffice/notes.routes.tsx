import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../app-deps';
import { sortByName } from '../i18n/collation';
import { nText } from '../public/notes.messages';
import { sendPage } from '../web/html';
import { pageContext } from '../web/request-context';
import { formBody, formList, formText, queryText, withSchemas } from '../web/request-schemas';
import { staffActor } from './actor';
import { streetIdsOf } from './notes';
import { listNotes, listStreets } from './notes.queries';
import { postNote } from './notes.service';
import { type NoteFormState, NotesPage, noteFormState } from './notes.views';

/** A note as typed: title and text cut to their lengths, the dates, the streets ticked. */
const noteForm = formBody({
  title: formText(200),
  body: formText(4000),
  starts_on: formText(20),
  ends_on: formText(20),
  street: formList(20),
});

export async function backofficeNoteRoutes(instance: FastifyInstance, { db, config }: AppDeps) {
  const app = withSchemas(instance);
  const render = async (req: FastifyRequest, reply: FastifyReply, form?: NoteFormState, posted?: string) => {
    const ctx = pageContext(req, reply);
    const [streets, notes] = await Promise.all([
      listStreets(db).then((rows) => sortByName(rows, req.locale, (s) => s.name)),
      listNotes(db, 'all', 30),
    ]);
    return sendPage(
      reply,
      <NotesPage ctx={ctx} streets={streets} notes={notes} form={form} posted={posted} />,
      form ? 400 : 200,
    );
  };

  const notesQuery = z.object({ posted: queryText });
  app.get('/backoffice/notes', { schema: { querystring: notesQuery } }, (req, reply) =>
    render(req, reply, undefined, req.query.posted),
  );

  app.post('/backoffice/notes', { schema: { body: noteForm } }, async (req, reply) => {
    const { title, body, starts_on, ends_on, street } = req.body;
    const values = { title, body, starts_on, ends_on, streets: streetIdsOf(street) };
    const result = await postNote(db, staffActor(req), { values, publicUrl: config.PUBLIC_URL });
    if (result.kind === 'invalid')
      return render(req, reply, noteFormState(nText[req.locale], values, result.problems));
    return reply.redirect(`/backoffice/notes?posted=${result.mailed}`, 303);
  });
}
