import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app-deps';
import { outboxState, troubledMail } from '../mail/outbox.queries';
import { sendPage } from '../web/html';
import { pageContext } from '../web/request-context';
import { OutboxPage } from './outbox.views';

/**
 * The mail outbox for staff (operators and administrators, like every /backoffice route): what
 * waits, what failed, the last error and the next attempt of each message in trouble.
 */
export async function backofficeOutboxRoutes(app: FastifyInstance, { db }: AppDeps) {
  app.get('/backoffice/outbox', async (req, reply) => {
    const [state, troubled] = await Promise.all([outboxState(db), troubledMail(db)]);
    return sendPage(reply, <OutboxPage ctx={pageContext(req, reply)} state={state} troubled={troubled} />);
  });
}
