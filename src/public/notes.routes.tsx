import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app-deps';
import { sendPage } from '../web/html';
import { pageContext } from '../web/request-context';
import { publicNotes } from './notes.service';
import { NotesPage } from './notes.views';

// The back-office's notes page reads these from here.
export { listNotes, type NoteView } from './notes.queries';
export { NoteCard } from './notes.views';

export async function publicNoteRoutes(app: FastifyInstance, { db }: AppDeps) {
  app.get('/notes', async (req, reply) =>
    sendPage(reply, <NotesPage ctx={pageContext(req, reply)} {...(await publicNotes(db))} />),
  );
}
