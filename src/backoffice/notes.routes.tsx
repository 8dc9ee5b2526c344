import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../app-deps';
import { sortByName } from '../i18n/collation';
import { nText } from '../public/notes.messages';
import { field } from '../web/forms';
import { sendPage } from '../web/html';
import { pageContext } from '../web/request-context';
import { staffActor } from './actor';
import { streetIdsOf } from './notes';
import { listNotes, listStreets } from './notes.queries';
import { postNote } from './notes.service';
import { type NoteFormState, NotesPage, noteFormState } from './notes.views';

export async function backofficeNoteRoutes(app: FastifyInstance, { db, config }: AppDeps) {
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

  app.get<{ Querystring: { posted?: string } }>('/backoffice/notes', (req, reply) =>
    render(req, reply, undefined, req.query.posted),
  );

  app.post('/backoffice/notes', async (req, reply) => {
    const values = {
      title: field(req.body, 'title').slice(0, 200),
      body: field(req.body, 'body').slice(0, 4000),
      starts_on: field(req.body, 'starts_on'),
      ends_on: field(req.body, 'ends_on'),
      streets: streetIdsOf((req.body as Record<string, unknown> | undefined)?.street),
    };
    const result = await postNote(db, staffActor(req), { values, publicUrl: config.PUBLIC_URL });
    if (result.kind === 'invalid')
      return render(req, reply, noteFormState(nText[req.locale], values, result.problems));
    return reply.redirect(`/backoffice/notes?posted=${result.mailed}`, 303);
  });
}
