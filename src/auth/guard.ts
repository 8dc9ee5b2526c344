import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * preHandler: only signed-in customers; others go to the login page (pages) or get 401 (API).
 * An API token opens only routes that name its scope (`requireScope`, src/api-tokens), never one
 * guarded by this alone: 403.
 */
export async function requireCustomer(req: FastifyRequest, reply: FastifyReply) {
  if (req.user?.role === 'customer' && !req.user.apiToken) return;
  if (req.user?.apiToken) {
    return reply
      .status(403)
      .send({ error: 'insufficient_scope', message: 'An API token cannot be used here.' });
  }
  if (req.url.startsWith('/api/')) {
    return reply.status(401).send({ error: 'unauthorized', message: 'Log in first.' });
  }
  // A form sent without a session: the session expired (or ended in another tab) while it was
  // open. The login page says so, and after the login the customer comes back to a page.
  if (req.method === 'GET' || req.method === 'HEAD')
    return reply.redirect(`/?next=${encodeURIComponent(req.url)}`, 303);
  return reply.redirect(`/?expired=1&next=${encodeURIComponent(pageOfForm(req))}`, 303);
}

/**
 * The page a form sent to this address comes back to: the address itself when it has a page of
 * its own (the readings form), else the nearest page above it (/cabinet/invoice/email ->
 * /cabinet/invoice), where the form was.
 */
function pageOfForm(req: FastifyRequest): string {
  const [path = '/', query] = req.url.split('?', 2);
  const hasPage = (url: string) => req.server.findRoute({ method: 'GET', url }) !== null;
  if (hasPage(path)) return req.url;
  let up = path;
  while (up.includes('/') && up !== '/') {
    up = up.slice(0, up.lastIndexOf('/')) || '/';
    if (hasPage(up)) return query === undefined ? up : `${up}?${query}`;
  }
  return '/cabinet';
}

/** Where a relative target is resolved to find where a browser would go; never sent anywhere. */
const HERE = 'http://here.invalid';

/**
 * Characters no target of ours has and browsers drop or read in ways of their own before
 * resolving (tab, newline, backslash as a slash): backslash, control characters (C0, DEL, C1),
 * and invisible ones that hide what a link says (format characters such as zero-width spaces,
 * bidi marks and the BOM; line and paragraph separators; Hangul fillers).
 */
const UNSAFE = /[\\\p{Cc}\p{Cf}\p{Zl}\p{Zp}\u115f\u1160\u3164\uffa0]/u;

/**
 * A `next` (or `back`) target that stays on this site: a path starting with one slash, without
 * control, invisible or backslash characters, that still is a path of this origin once resolved
 * as a browser does (WHATWG URL: dot segments and `%2e` removed, so `/.//evil` is caught).
 * Answers the normalised path with query and fragment (percent-encoded ASCII, safe for a
 * Location header), or `fallback`.
 */
export function safeNext(next: unknown, fallback: string): string {
  if (typeof next !== 'string' || next.length > 2000 || !next.startsWith('/') || UNSAFE.test(next)) {
    return fallback;
  }
  let url: URL;
  try {
    url = new URL(next, HERE);
  } catch {
    return fallback;
  }
  const path = `${url.pathname}${url.search}${url.hash}`;
  if (url.origin !== HERE || !path.startsWith('/') || path.startsWith('//')) return fallback;
  return path;
}
