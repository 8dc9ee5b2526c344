import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DB } from '../db/database';
import type { Locale } from '../i18n/locales';
import { failureLimit } from '../web/rate-limit';
import type { CurrentUser } from '../web/request-context';
import { apiTokensText } from './api-tokens.messages';
import { tokenByHash, touchToken } from './api-tokens.queries';
import { bearerOf, type Scope, tokenHash, tokenInQuery, tokenRefusal } from './token-rules';

/** last_used_at is written at most this often per token, so a busy gateway does not write on every call. */
const TOUCH_EVERY_MS = 60_000;

/**
 * Failed token authentications per client address: past this many in the window, a request with a
 * Bearer header is answered 429 (Retry-After, JSON problem) before its token is looked up, so
 * guessing tokens has a ceiling. Only failures count; a valid token costs nothing (decision 191).
 */
export const TOKEN_FAILURE_LIMIT = { max: 60, timeWindowMs: 10 * 60_000 };

type Refusal = { status: 400 | 401; error: string; message: string };

/** The signed-in user of a token, or why the token is refused. */
async function userOfToken(
  db: DB,
  token: string,
  locale: Locale,
  now: Date,
): Promise<{ user: CurrentUser } | Refusal> {
  const t = apiTokensText[locale].api;
  const row = await tokenByHash(db, tokenHash(token));
  if (row?.role !== 'customer') return { status: 401, error: 'invalid_token', message: t.unknown };
  const refusal = tokenRefusal(row, now);
  if (refusal) return { status: 401, error: 'invalid_token', message: t[refusal] };
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
    await touchToken(db, row.tokenId, now);
  }
  return {
    user: {
      id: row.id,
      login: row.login,
      role: row.role,
      email: row.email,
      firstName: row.firstName,
      lastName: row.lastName,
      sessionHash: '',
      apiToken: { id: row.tokenId, scopes: row.scopes },
    },
  };
}

/**
 * Authentication by personal access token, for `/api/` only (called from the app's onRequest
 * hook before the session cookie is read). Answers:
 * - `none`: no Bearer header; the session cookie decides, as before;
 * - `token`: `req.user` is the token's customer, with the token's scopes; the cookie is not read,
 *   and the CSRF check does not apply (a browser never adds this header by itself);
 * - `answered`: the request was refused (token in the query string 400; unknown, malformed,
 *   revoked or expired token 401), with a JSON problem in the user's language.
 * Past TOKEN_FAILURE_LIMIT failures of the client address it throws the 429 (RateLimitedError).
 */
export async function apiBearer(
  db: DB,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<'none' | 'token' | 'answered'> {
  if (!req.url.startsWith('/api/')) return 'none';
  const t = apiTokensText[req.locale].api;
  if (tokenInQuery(req.url)) {
    await reply.status(400).send({ error: 'token_in_query', message: t.inQuery });
    return 'answered';
  }
  const header = req.headers.authorization;
  const bearer = bearerOf(typeof header === 'string' ? header : undefined);
  if (bearer.kind === 'none') return 'none';
  const failures = failureLimit(db, 'api-token-failures', TOKEN_FAILURE_LIMIT);
  const client = `client:${req.ip}`;
  // Throws the 429 the error handler answers as a JSON problem, with Retry-After.
  await failures.check(reply, client);
  const outcome =
    bearer.kind === 'malformed'
      ? ({ status: 401, error: 'invalid_token', message: t.malformed } as const)
      : await userOfToken(db, bearer.token, req.locale, new Date());
  if ('user' in outcome) {
    req.user = outcome.user;
    return 'token';
  }
  await failures.fail(client);
  reply.header('www-authenticate', `Bearer error="invalid_token"`);
  await reply.status(outcome.status).send({ error: outcome.error, message: outcome.message });
  return 'answered';
}

/**
 * preHandler of an API route: a signed-in customer (session: any use case of the cabinet; token:
 * only with `scope`). No user: 401; a token without the scope: 403.
 */
export function requireScope(scope: Scope) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const t = apiTokensText[req.locale].api;
    if (req.user?.role !== 'customer') {
      return reply.status(401).send({ error: 'unauthorized', message: t.signIn });
    }
    if (req.user.apiToken && !req.user.apiToken.scopes.includes(scope)) {
      reply.header('www-authenticate', `Bearer error="insufficient_scope", scope="${scope}"`);
      return reply.status(403).send({ error: 'insufficient_scope', message: t.wrongScope(scope) });
    }
  };
}

/**
 * The rate-limit key of an API request: per signed-in customer, whether the request carries one of
 * the customer's tokens or the session cookie, else per address. Never per token: a customer may
 * create tokens, and each would bring a budget of its own (decision 188).
 */
export function apiRateKey(req: FastifyRequest): string {
  return req.user ? `user:${req.user.id}` : `ip:${req.ip}`;
}
