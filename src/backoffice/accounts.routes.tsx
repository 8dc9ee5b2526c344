import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../app-deps';
import { actionLimit } from '../web/action-limit';
import { positiveInt } from '../web/forms';
import { sendPage } from '../web/html';
import { pageContext } from '../web/request-context';
import { formText, queryText, withSchemas } from '../web/request-schemas';
import {
  helpCabinetUser,
  loadAccountCard,
  lookUpAccounts,
  USER_ACTIONS,
  type UserAction,
} from './accounts.service';
import { AccountCardPage, AccountSearchPage } from './accounts.views';
import { staffActor } from './actor';

const searchQuery = z.object({ q: formText(100) });
const cardParams = z.object({ number: z.string() });
const cardQuery = z.object({ done: queryText, err: queryText });
const userActionParams = z.object({ number: z.string(), userId: z.string(), op: z.string() });

export async function backofficeAccountRoutes(instance: FastifyInstance, { db, config }: AppDeps) {
  const app = withSchemas(instance);
  app.get('/backoffice/accounts', { schema: { querystring: searchQuery } }, async (req, reply) => {
    const { q } = req.query;
    const found = await lookUpAccounts(db, q);
    if (found.kind === 'exact') return reply.redirect(`/backoffice/accounts/${found.number}`, 303);
    return sendPage(reply, <AccountSearchPage ctx={pageContext(req, reply)} q={q} found={found} />);
  });

  app.get(
    '/backoffice/accounts/:number',
    { schema: { params: cardParams, querystring: cardQuery } },
    async (req, reply) => {
      const card = await loadAccountCard(db, req.params.number);
      if (!card) return reply.callNotFound();
      const ctx = pageContext(req, reply);
      return sendPage(reply, <AccountCardPage ctx={ctx} card={card} notices={req.query} />);
    },
  );

  const linkLimit = actionLimit(db, 'account.user.link', {
    perUser: 5,
    perClient: 60,
    timeWindowMs: 3600_000,
  });

  app.post(
    '/backoffice/accounts/:number/users/:userId/:op',
    { schema: { params: userActionParams } },
    async (req, reply) => {
      const { number, op } = req.params;
      const userId = positiveInt(req.params.userId) ?? Number.NaN;
      if (!USER_ACTIONS.includes(op as UserAction) || !Number.isInteger(userId)) return reply.callNotFound();
      const result = await helpCabinetUser(
        { db, publicUrl: config.PUBLIC_URL, linkLimit: (subject) => linkLimit(req, subject) },
        { number, userId, op: op as UserAction, actor: staffActor(req) },
      );
      const back = `/backoffice/accounts/${number}`;
      if (result.kind === 'notFound') return reply.callNotFound();
      if (result.kind === 'noEmail') return reply.redirect(`${back}?err=email`, 303);
      if (result.kind === 'limited') return reply.redirect(`${back}?err=wait-${result.wait}`, 303);
      return reply.redirect(`${back}?done=${op}`, 303);
    },
  );
}
