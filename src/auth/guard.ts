import type { FastifyReply, FastifyRequest } from 'fastify';

/** preHandler: only signed-in customers; others go to the login page (pages) or get 401 (API). */
export async function requireCustomer(req: FastifyRequest, reply: FastifyReply) {
  if (req.user?.role === 'customer') return;
  if (req.url.startsWith('/api/')) {
    return reply.status(401).send({ error: 'unauthorized', message: 'Log in first.' });
  }
  return reply.redirect(`/?next=${encodeURIComponent(req.url)}`, 303);
}

/** A `next` target that stays on this site. */
export function safeNext(next: unknown, fallback: string): string {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//') || next.includes('\\')) {
    return fallback;
  }
  return next;
}
