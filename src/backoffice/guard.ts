import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DB } from '../db/database';
import { secondFactorDone } from './second-factor.queries';

export class ForbiddenError extends Error {
  statusCode = 403;
  code = 'forbidden';
}

/**
 * Who may use a back-office route, in the route's config (`config: { backoffice: 'admin' }`):
 * `operator` (the default: operators and administrators with a confirmed second factor), `admin`
 * (administrators with a confirmed second factor), `second-factor` (administrators before their
 * code is checked: the TOTP page only).
 */
export type BackofficeAccess = 'operator' | 'admin' | 'second-factor';

declare module 'fastify' {
  interface FastifyContextConfig {
    backoffice?: BackofficeAccess;
  }
  interface FastifyInstance {
    /** Every registered route (method, URL pattern, back-office access), in registration order. */
    routeTable: RouteEntry[];
  }
}

export interface RouteEntry {
  method: string;
  url: string;
  access: BackofficeAccess;
}

/** Is this path (or route pattern) part of the back-office? */
export function isBackofficePath(path: string): boolean {
  return /^\/(api\/)?backoffice(\/|\?|$)/.test(path);
}

function isApi(req: FastifyRequest) {
  return req.url.startsWith('/api/');
}

async function staffGuard(db: DB, req: FastifyRequest, reply: FastifyReply, access: BackofficeAccess) {
  const user = req.user;
  if (!user) {
    if (isApi(req)) return reply.status(401).send({ error: 'unauthorized', message: 'Log in first.' });
    return reply.redirect(`/?next=${encodeURIComponent(req.url)}`, 303);
  }
  if (user.role !== 'operator' && user.role !== 'admin') throw new ForbiddenError('staff only');
  if (access === 'second-factor') {
    if (user.role !== 'admin') throw new ForbiddenError('administrators only');
    return;
  }
  // Administrators have a second factor: until the session's code is checked, only the TOTP page opens.
  if (user.role === 'admin' && !(await secondFactorDone(db, user.sessionHash))) {
    if (isApi(req)) return reply.status(401).send({ error: 'second_factor', message: 'Enter the code.' });
    const next = req.method === 'GET' ? `?next=${encodeURIComponent(req.url)}` : '';
    return reply.redirect(`/backoffice/2fa${next}`, 303);
  }
  if (access === 'admin' && user.role !== 'admin') throw new ForbiddenError('administrators only');
}

/**
 * The one gate of the back-office: an onRequest hook on the root instance for every URL under
 * /backoffice and /api/backoffice, so no route can be added without it. It runs before the body
 * is read (an anonymous upload is refused at its headers). Call it after the session is loaded
 * and before the routes are registered (it records the route table as routes are added).
 */
export function installBackofficeGuard(app: FastifyInstance, db: DB): void {
  const routes: RouteEntry[] = [];
  app.decorate('routeTable', routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat())
      routes.push({ method, url: route.url, access: route.config?.backoffice ?? 'operator' });
  });
  app.addHook('onRequest', async (req, reply) => {
    const pattern = req.routeOptions.url ?? '';
    const path = req.url.split('?')[0] ?? '';
    if (!isBackofficePath(pattern) && !isBackofficePath(path)) return;
    return staffGuard(db, req, reply, req.routeOptions.config?.backoffice ?? 'operator');
  });
}
