import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../app-deps';
import { requireCustomer } from '../auth/guard';
import { attachmentHeader } from '../web/csv';
import { sendPage } from '../web/html';
import { pageContext } from '../web/request-context';
import { queryText, withSchemas } from '../web/request-schemas';
import { AccountAccessError, customerAccount } from './access';
import { accountsOfUser } from './accounts.queries';
import { latestConsent } from './personal.queries';
import { PersonalPage } from './personal.views';
import { personalDataCsv, personalDataJson } from './personal-export';
import { exportPersonalData } from './personal-export.service';

const personalQuery = z.object({ account: queryText, done: queryText });

/**
 * What the address says was just done, when it can be so: an account added is one of the user's
 * now, one removed is not and is written as an account number. Anything else in the address
 * (a link made by someone else, "account 123, call this number") shows no notice.
 */
function doneNotice(
  kind: string | undefined,
  number: string | undefined,
  accounts: readonly { number: string }[],
): { kind: string; number: string } | undefined {
  if (!kind) return undefined;
  if (kind === 'last') return { kind, number: '' };
  if (!number) return undefined;
  const own = accounts.some((a) => a.number === number);
  if (kind === 'added' && own) return { kind, number };
  if (kind === 'removed' && !own && /^[0-9A-Za-z-]{1,20}$/.test(number)) return { kind, number };
  return undefined;
}

export async function personalRoutes(instance: FastifyInstance, { db }: AppDeps) {
  const app = withSchemas(instance);
  app.get(
    '/cabinet',
    { preHandler: requireCustomer, schema: { querystring: personalQuery } },
    async (req, reply) => {
      const user = req.user!;
      const done = req.query.done;
      // After an add or a removal the number in the address names what was done, not what to show.
      const shown = done ? undefined : req.query.account;
      // A customer whose last account was taken away by its holder still gets the page, to add one.
      const account = await customerAccount(db, req, shown).catch((error: unknown) => {
        if (error instanceof AccountAccessError && !shown) return undefined;
        throw error;
      });
      const consent = await latestConsent(db, user.id);
      const accounts = req.customerAccounts?.accounts ?? (await accountsOfUser(db, user.id));
      return sendPage(
        reply,
        <PersonalPage
          ctx={pageContext(req, reply)}
          account={account}
          accounts={accounts}
          done={doneNotice(done, req.query.account, accounts)}
          email={user.email ?? ''}
          consent={consent}
        />,
      );
    },
  );

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
