import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app-deps';
import { requireCustomer } from '../auth/guard';
import { sendPage } from '../web/html';
import { pageContext } from '../web/request-context';
import { GuidePage } from './guide.views';

export async function guideRoutes(app: FastifyInstance, _deps: AppDeps) {
  app.get('/cabinet/guide', { preHandler: requireCustomer }, async (req, reply) =>
    sendPage(reply, <GuidePage ctx={pageContext(req, reply)} />),
  );
}
