import { parse as parseQuery } from 'fast-querystring';
import type { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The app checks every state-changing request's CSRF token before validation. `false`: the
     * request carries its own proof (a signed link); `'in-route'`: the route checks the token
     * itself (a streamed upload reads it from the body first).
     */
    csrf?: false | 'in-route';
  }
}

/**
 * C0 control characters other than tab, line feed and carriage return, and DEL. No form field or
 * query parameter has a use for them; NUL cannot even be stored in PostgreSQL text (22021).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Thrown for a request whose fields carry control characters; the error pages answer 400. */
export class ControlCharacterError extends Error {
  readonly statusCode = 400;
  readonly code = 'INPUT_CONTROL_CHARACTER';
  constructor(readonly where: 'query' | 'params' | 'body') {
    super(`control character in ${where}`);
  }
}

/**
 * Thrown for a query string that names a parameter twice (`?q=a&q=b`): no page of ours reads a
 * list from the query string, and routes read each parameter as one string. The error pages
 * answer 400.
 */
export class RepeatedParameterError extends Error {
  readonly statusCode = 400;
  readonly code = 'INPUT_REPEATED_PARAMETER';
  constructor(readonly parameter: string) {
    super(`query parameter ${parameter.slice(0, 50)} given more than once`);
  }
}

/**
 * The most fields a urlencoded form may carry. The largest form of the site is the bulk readings
 * form (two meters for each of a customer's accounts); a body with more fields is refused before
 * it is parsed, so no route walks (or sends to the database as parameters) hundreds of thousands
 * of names an attacker made up within the body size limit.
 */
export const MAX_FORM_FIELDS = 5000;

/**
 * The largest body of a request, forms included (the app's bodyLimit; larger is answered 413). The
 * largest form is the bulk readings form: 1,000 meter fields and as many confirmations, about
 * 310 KB even with every value typed in percent-encoded Cyrillic; a question's text is far less.
 * An exchange upload is multipart and has its own limit (EXCHANGE_UPLOAD_MAX_MB).
 */
export const BODY_LIMIT = 1024 * 1024;

/**
 * The largest body of a `/api/` request (413 as a JSON problem past it): the largest valid one,
 * `POST /api/v1/premises/readings` with 1,000 readings of 30-character values and 1,000
 * confirmations, is 105 KB (157 KB indented); a customer with 50 accounts of 4 meters sends 8 KB.
 * JSON is parsed whole before any check, so a larger limit only buys an attacker CPU (decision 191).
 */
export const API_BODY_LIMIT = 512 * 1024;

/** Thrown for a form with more than MAX_FORM_FIELDS fields; the error pages answer 413. */
export class TooManyFieldsError extends Error {
  readonly statusCode = 413;
  readonly code = 'INPUT_TOO_MANY_FIELDS';
  constructor() {
    super(`form with more than ${MAX_FORM_FIELDS} fields`);
  }
}

/** The parser of urlencoded forms: fast-querystring, after the count of fields is checked. */
export function parseForm(body: string): Record<string, unknown> {
  let fields = 1;
  for (let at = body.indexOf('&'); at !== -1; at = body.indexOf('&', at + 1)) {
    if (++fields > MAX_FORM_FIELDS) throw new TooManyFieldsError();
  }
  return parseQuery(body);
}

/** True when a string in `value` (a parsed query, params, form or JSON body) has a control character. */
export function hasControlCharacter(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return CONTROL.test(value);
  if (depth > 8 || value === null || typeof value !== 'object') return false;
  // Parsed fields only: an upload's bytes and streams are the upload's business.
  if (ArrayBuffer.isView(value) || typeof (value as { pipe?: unknown }).pipe === 'function') return false;
  for (const [key, item] of Object.entries(value)) {
    if (CONTROL.test(key) || hasControlCharacter(item, depth + 1)) return true;
  }
  return false;
}

export interface RegisteredRoute {
  method: string;
  url: string;
}

const routesByApp = new WeakMap<FastifyInstance, RegisteredRoute[]>();

/** Every route registered after installInputGuard, as method and URL pattern (HEAD included). */
export function registeredRoutes(app: FastifyInstance): RegisteredRoute[] {
  return routesByApp.get(app) ?? [];
}

/**
 * The one defence every route gets before its own validation: a request whose query string, path
 * parameters or form/JSON fields carry a control character (NUL and the like), or whose query
 * string names a parameter twice, is answered 400 in the user's language before a handler (or the
 * database) sees it. Fields with a meaning are
 * checked again by their routes, with the message next to the field. Routes under `/api/` take
 * API_BODY_LIMIT as their body limit. Install before any route.
 */
export function installInputGuard(app: FastifyInstance) {
  const routes: RegisteredRoute[] = [];
  routesByApp.set(app, routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
    if (route.url.startsWith('/api/') && route.bodyLimit === undefined) route.bodyLimit = API_BODY_LIMIT;
  });
  app.addHook('preValidation', async (req) => {
    if (hasControlCharacter(req.query)) throw new ControlCharacterError('query');
    const query = req.query as Record<string, unknown> | undefined;
    for (const name in query) if (Array.isArray(query[name])) throw new RepeatedParameterError(name);
    if (hasControlCharacter(req.params)) throw new ControlCharacterError('params');
    if (hasControlCharacter(req.body)) throw new ControlCharacterError('body');
  });
}
