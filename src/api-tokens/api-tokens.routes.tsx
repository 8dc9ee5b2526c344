import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../app-deps';
import { requireCustomer } from '../auth/guard';
import type { DB } from '../db/database';
import { actionLimit } from '../web/action-limit';
import { positiveInt } from '../web/forms';
import { sendPage } from '../web/html';
import { pageContext } from '../web/request-context';
import { formBody, formList, formText, idParams, queryText, withSchemas } from '../web/request-schemas';
import { tokensOfUser } from './api-tokens.queries';
import { TokensPage, type TokensPageView } from './api-tokens.views';
import { createApiToken } from './create-api-token.service';
import { revokeApiToken } from './revoke-api-token.service';

/** Revoked tokens stay in the list this long, so the customer sees what was revoked. */
const SHOW_REVOKED_MS = 30 * 86_400_000;

/** The new token's form: its name, scopes (checkboxes), expiry and the password that allows it. */
const tokenForm = formBody({
  name: formText(),
  scopes: formList(),
  expires: formText(),
  current: formText(),
});

async function renderTokens(
  db: DB,
  req: FastifyRequest,
  reply: FastifyReply,
  view: Omit<TokensPageView, 'tokens' | 'now'>,
  status = 200,
) {
  const now = new Date();
  const tokens = await tokensOfUser(db, req.user?.id ?? 0, new Date(now.getTime() - SHOW_REVOKED_MS));
  const ctx = pageContext(req, reply, '/cabinet/tokens');
  return sendPage(reply, <TokensPage ctx={ctx} view={{ ...view, tokens, now }} />, status);
}

/** The API tokens page under personal data: list, create (shown once), revoke. */
export async function apiTokensRoutes(instance: FastifyInstance, { db, config }: AppDeps) {
  const app = withSchemas(instance);
  // Creating asks for the password, which the login throttle guards; this limits the rest.
  const createLimit = actionLimit(db, 'api-tokens.create', {
    perUser: 10,
    perClient: 30,
    timeWindowMs: 3600_000,
  });

  app.get(
    '/cabinet/tokens',
    { preHandler: requireCustomer, schema: { querystring: z.object({ done: queryText }) } },
    async (req, reply) =>
      renderTokens(db, req, reply, req.query.done === 'revoked' ? { done: 'revoked' } : {}),
  );

  const createOptions = { preHandler: requireCustomer, schema: { body: tokenForm } };
  app.post('/cabinet/tokens', createOptions, async (req, reply) => {
    const { name, scopes, expires, current } = req.body;
    const values = { name, scopes, expires };
    const result = await createApiToken(
      db,
      req.user?.id ?? 0,
      { ...values, current },
      {
        locale: req.locale,
        ip: req.ip,
        publicUrl: config.PUBLIC_URL,
        now: new Date(),
        limit: () => createLimit(req),
      },
    );
    if (!result.ok) {
      const status = result.limited ? 429 : 422;
      return renderTokens(db, req, reply, { form: { values, errors: result.errors } }, status);
    }
    return renderTokens(db, req, reply, { created: { token: result.token, name: result.name } });
  });

  // The revoke button posts and comes back to the list; its address opened directly shows the list.
  app.get('/cabinet/tokens/:id/revoke', { preHandler: requireCustomer }, async (_req, reply) =>
    reply.redirect('/cabinet/tokens', 303),
  );
  app.post(
    '/cabinet/tokens/:id/revoke',
    { preHandler: requireCustomer, schema: { params: idParams } },
    async (req, reply) => {
      const id = positiveInt(req.params.id);
      const revoked =
        id !== null && (await revokeApiToken(db, req.user?.id ?? 0, id, { ip: req.ip, now: new Date() }));
      if (!revoked) return reply.callNotFound();
      return reply.redirect('/cabinet/tokens?done=revoked', 303);
    },
  );
}
