import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../app-deps';
import { requireCustomer } from '../auth/guard';
import type { DB } from '../db/database';
import { actionLimit } from '../web/action-limit';
import { type FlashCookie, setFlash, takeFlash } from '../web/flash';
import { formKeyOf } from '../web/form-key';
import { positiveInt } from '../web/forms';
import { sendPage } from '../web/html';
import { pageContext } from '../web/request-context';
import { formBody, formList, formText, idParams, queryText, withSchemas } from '../web/request-schemas';
import { tokensOfUser } from './api-tokens.queries';
import { TokensPage, type TokensPageView } from './api-tokens.views';
import { createApiToken } from './create-api-token.service';
import { createdTokenFlash, revealCreatedToken } from './reveal-api-token.service';
import { revokeApiToken } from './revoke-api-token.service';

/** Revoked tokens stay in the list this long, so the customer sees what was revoked. */
const SHOW_REVOKED_MS = 30 * 86_400_000;

/**
 * The new token, from the create form's POST to the page its redirect shows (decision 170):
 * sealed, bound to the session, read once by that page, gone after five minutes.
 */
const CREATED: FlashCookie = { name: 'token_created', path: '/cabinet/tokens', maxAgeSeconds: 300 };

/** The new token's form: its name, scopes (checkboxes), expiry and the password that allows it. */
const tokenForm = formBody({
  name: formText(),
  scopes: formList(),
  expires: formText(),
  current: formText(),
  form_key: formText(),
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

  // Post/redirect/get: the create form answers with a redirect here, so a reload or the back
  // button asks for this page again, never for a second token; the token shows once.
  app.get(
    '/cabinet/tokens',
    { preHandler: requireCustomer, schema: { querystring: z.object({ done: queryText }) } },
    async (req, reply) => {
      const userId = req.user?.id ?? 0;
      const flash = takeFlash(req, reply, config.SESSION_SECRET, CREATED, req.user?.sessionHash ?? '');
      const created = flash ? await revealCreatedToken(db, userId, flash, new Date()) : null;
      if (created) return renderTokens(db, req, reply, { created });
      const done =
        req.query.done === 'revoked' || req.query.done === 'duplicate' ? req.query.done : undefined;
      return renderTokens(db, req, reply, done ? { done } : {});
    },
  );

  const createOptions = { preHandler: requireCustomer, schema: { body: tokenForm } };
  app.post('/cabinet/tokens', createOptions, async (req, reply) => {
    const { name, scopes, expires, current } = req.body;
    const values = { name, scopes, expires };
    const result = await createApiToken(
      db,
      req.user?.id ?? 0,
      { ...values, current, formKey: formKeyOf(req.body.form_key) },
      {
        locale: req.locale,
        ip: req.ip,
        publicUrl: config.PUBLIC_URL,
        now: new Date(),
        limit: () => createLimit(req),
      },
    );
    if (!result.ok && result.duplicate) return reply.redirect('/cabinet/tokens?done=duplicate', 303);
    if (!result.ok) {
      const status = result.limited ? 429 : 422;
      return renderTokens(db, req, reply, { form: { values, errors: result.errors } }, status);
    }
    setFlash(reply, config.SESSION_SECRET, CREATED, req.user?.sessionHash ?? '', createdTokenFlash(result));
    return reply.redirect('/cabinet/tokens', 303);
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
