import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DB } from '../db/database';

export class ForbiddenError extends Error {
  statusCode = 403;
  code = 'forbidden';
}

/** Has this administrator's session passed the TOTP check? */
export async function secondFactorDone(db: DB, sessionHash: string): Promise<boolean> {
  const row = await db
    .selectFrom('session_second_factor')
    .select('session_hash')
    .where('session_hash', '=', sessionHash)
    .executeTakeFirst();
  return Boolean(row);
}

function isApi(req: FastifyRequest) {
  return req.url.startsWith('/api/');
}

async function staffGuard(db: DB, req: FastifyRequest, reply: FastifyReply, roles: string[]) {
  const user = req.user;
  if (!user) {
    if (isApi(req)) return reply.status(401).send({ error: 'unauthorized', message: 'Log in first.' });
    return reply.redirect(`/?next=${encodeURIComponent(req.url)}`, 303);
  }
  if (user.role !== 'operator' && user.role !== 'admin') throw new ForbiddenError('staff only');
  // Administrators have a second factor: until the session's code is checked, only the TOTP page opens.
  if (user.role === 'admin' && !(await secondFactorDone(db, user.sessionHash))) {
    if (isApi(req)) return reply.status(401).send({ error: 'second_factor', message: 'Enter the code.' });
    return reply.redirect(`/backoffice/2fa?next=${encodeURIComponent(req.url)}`, 303);
  }
  if (!roles.includes(user.role)) throw new ForbiddenError('administrators only');
}

/** preHandler factories: staff (operators and administrators) and administrators only. */
export function requireOperator(db: DB) {
  return (req: FastifyRequest, reply: FastifyReply) => staffGuard(db, req, reply, ['operator', 'admin']);
}
export function requireAdmin(db: DB) {
  return (req: FastifyRequest, reply: FastifyReply) => staffGuard(db, req, reply, ['admin']);
}
