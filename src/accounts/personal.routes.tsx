import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app-deps';
import { requireCustomer } from '../auth/guard';
import { attachmentHeader } from '../web/csv';
import { sendPage } from '../web/html';
import { pageContext } from '../web/request-context';
import { customerAccount } from './access';
import { latestConsent } from './personal.queries';
import { PersonalPage } from './personal.views';
import { personalDataCsv, personalDataJson } from './personal-export';
import { exportPersonalData } from './personal-export.service';

export async function personalRoutes(app: FastifyInstance, { db }: AppDeps) {
  app.get('/cabinet', { preHandler: requireCustomer }, async (req, reply) => {
    const account = await customerAccount(db, req);
    const consent = req.user ? await latestConsent(db, req.user.id) : undefined;
    return sendPage(
      reply,
      <PersonalPage
        ctx={pageContext(req, reply)}
        account={account}
        email={req.user?.email ?? ''}
        consent={consent}
      />,
    );
  });

  // The signed-in customer's own data: the session decides whose, nothing in the address does.
  for (const format of ['json', 'csv'] as const) {
    app.get(`/cabinet/my-data.${format}`, { preHandler: requireCustomer }, async (req, reply) => {
      const user = req.user!;
      const data = await exportPersonalData(db, { userId: user.id }, { ip: req.ip, format });
      const day = data.exportedAt.toISOString().slice(0, 10);
      return reply
        .header(
          'content-type',
          format === 'json' ? 'application/json; charset=utf-8' : 'text/csv; charset=utf-8',
        )
        .header('cache-control', 'private, no-store')
        .header('content-disposition', attachmentHeader(`my-data-${data.profile.login}-${day}.${format}`))
        .send(format === 'json' ? personalDataJson(data) : personalDataCsv(data));
    });
  }
}
