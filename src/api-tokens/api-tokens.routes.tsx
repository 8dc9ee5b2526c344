import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../app-deps';
import { requireCustomer } from '../auth/guard';
import type { DB } from '../db/database';
import { actionLimit } from '../web/action-limit';
import { field, positiveInt } from '../web/forms';
import { sendPage } from '../web/html';
import { pageContext } from '../web/request-context';
import { tokensOfUser } from './api-tokens.queries';
import { TokensPage, type TokensPageView } from './api-tokens.views';
import { createApiToken } from './create-api-token.service';
import { revokeApiToken } from './revoke-api-token.service';

/** Revoked tokens stay in the list this long, so the customer sees what was revoked. */
const SHOW_REVOKED_MS = 30 * 86_400_000;

/** Every value of a form field that may repeat (checkboxes). */
function fieldValues(body: unknown, name: string): string[] {
  const value = body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  const list = Array.isArray(value) ? value : [value];
  return list.filter((v): v is string => typeof v === 'string').map((v) => v.trim());
}

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
export async function apiTokensRoutes(app: FastifyInstance, { db, config }: AppDeps) {
  // Creating asks for the password, which the login throttle guards; this limits the rest.
  const createLimit = actionLimit(db, 'api-tokens.create', {
    perUser: 10,
    perClient: 30,
    timeWindowMs: 3600_000,
  });

  app.get<{ Querystring: { done?: string } }>(
    '/cabinet/tokens',
    { preHandler: requireCustomer },
    async (req, reply) =>
      renderTokens(db, req, reply, req.query.done === 'revoked' ? { done: 'revoked' } : {}),
  );

  app.post('/cabinet/tokens', { preHandler: requireCustomer }, async (req, reply) => {
    const values = {
      name: field(req.body, 'name'),
      scopes: fieldValues(req.body, 'scopes'),
      expires: field(req.body, 'expires'),
    };
    const result = await createApiToken(
      db,
      req.user?.id ?? 0,
      { ...values, current: field(req.body, 'current') },
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
  app.post<{ Params: { id: string } }>(
    '/cabinet/tokens/:id/revoke',
    { preHandler: requireCustomer },
    async (req, reply) => {
      const id = positiveInt(req.params.id);
      const revoked =
        id !== null && (await revokeApiToken(db, req.user?.id ?? 0, id, { ip: req.ip, now: new Date() }));
      if (!revoked) return reply.callNotFound();
      return reply.redirect('/cabinet/tokens?done=revoked', 303);
    },
  );
}
