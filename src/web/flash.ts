import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * What a form's POST hands to the page its redirect shows (post/redirect/get, decision 170): a
 * value sealed with AES-256-GCM under a key derived from the session secret, bound to the
 * session and the page's path, in an HTTP-only, SameSite=Strict cookie of that path that lives a
 * few minutes. The next GET of the page reads it and clears it, so a reload, the back button or
 * another session never sees it again; nothing of it is kept on the server.
 */
export interface FlashCookie {
  name: string;
  path: string;
  maxAgeSeconds: number;
}

function keyFor(secret: string, cookie: FlashCookie): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'flash', `${cookie.name}:${cookie.path}`, 32));
}

function binding(cookie: FlashCookie, session: string): Buffer {
  return Buffer.from(`${cookie.path}\n${session}`);
}

/** `value` sealed for `session` until `now` plus the cookie's lifetime. */
export function sealFlash(secret: string, cookie: FlashCookie, session: string, value: string, now: Date) {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFor(secret, cookie), iv);
  cipher.setAAD(binding(cookie, session));
  const plain = JSON.stringify({ v: value, until: now.getTime() + cookie.maxAgeSeconds * 1000 });
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url')).join('.');
}

/** The sealed value, or null when it was sealed for another session or page, altered or expired. */
export function openFlash(
  secret: string,
  cookie: FlashCookie,
  session: string,
  sealed: string,
  now: Date,
): string | null {
  const [iv, tag, body, ...rest] = sealed.split('.').map((p) => Buffer.from(p, 'base64url'));
  if (!iv || !tag || !body || rest.length > 0 || iv.length !== 12 || tag.length !== 16) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyFor(secret, cookie), iv);
    decipher.setAAD(binding(cookie, session));
    decipher.setAuthTag(tag);
    const plain = Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    const { v, until } = JSON.parse(plain) as { v: unknown; until: unknown };
    if (typeof v !== 'string' || typeof until !== 'number' || until <= now.getTime()) return null;
    return v;
  } catch {
    return null;
  }
}

/** Sets the flash for the page the POST redirects to. */
export function setFlash(
  reply: FastifyReply,
  secret: string,
  cookie: FlashCookie,
  session: string,
  value: string,
) {
  reply.setCookie(cookie.name, sealFlash(secret, cookie, session, value, new Date()), {
    path: cookie.path,
    httpOnly: true,
    sameSite: 'strict',
    maxAge: cookie.maxAgeSeconds,
  });
}

/** Reads the flash of this page once: the answer clears the cookie whatever it held. */
export function takeFlash(
  req: FastifyRequest,
  reply: FastifyReply,
  secret: string,
  cookie: FlashCookie,
  session: string,
): string | null {
  const sealed = req.cookies[cookie.name];
  if (sealed === undefined) return null;
  reply.clearCookie(cookie.name, { path: cookie.path, httpOnly: true, sameSite: 'strict' });
  return openFlash(secret, cookie, session, sealed, new Date());
}
