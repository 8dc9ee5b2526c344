import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app-deps';
import { sendPage } from '../web/html';
import { pageContext } from '../web/request-context';
import { PrivacyPage } from './privacy.views';

export async function privacyRoutes(app: FastifyInstance, { config }: AppDeps) {
  app.get('/privacy', async (req, reply) =>
    sendPage(reply, <PrivacyPage ctx={pageContext(req, reply)} hours={config.REGISTRATION_CONFIRM_HOURS} />),
  );
}
