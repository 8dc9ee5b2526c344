import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app-deps';
import { requireCustomer } from '../auth/guard';
import { sendPage } from '../web/html';
import { pageContext } from '../web/request-context';
import { customerAccount } from './access';
import { PersonalPage } from './personal.views';

export async function personalRoutes(app: FastifyInstance, { db }: AppDeps) {
  app.get('/cabinet', { preHandler: requireCustomer }, async (req, reply) => {
    const account = await customerAccount(db, req);
    return sendPage(
      reply,
      <PersonalPage ctx={pageContext(req, reply)} account={account} email={req.user?.email ?? ''} />,
    );
  });
}
