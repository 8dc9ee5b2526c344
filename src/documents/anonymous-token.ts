import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The anonymous breakdown's link carries a short-lived signed token instead of the account
 * number, so the page cannot be used to walk through account numbers: only a successful
 * lookup (which is rate-limited) produces one. Token: `<accountId>.<expires unix s>.<hmac>`.
 */
export const ANONYMOUS_TOKEN_SECONDS = 30 * 60;

function sign(secret: string, body: string): string {
  return createHmac('sha256', secret).update(`anonymous-breakdown:${body}`).digest('base64url');
}

export function anonymousBreakdownToken(secret: string, accountId: number, now: Date = new Date()): string {
  const expires = Math.floor(now.getTime() / 1000) + ANONYMOUS_TOKEN_SECONDS;
  const body = `${accountId}.${expires}`;
  return `${body}.${sign(secret, body)}`;
}

/** The link the account lookup shows as "Get breakdown". */
export function anonymousBreakdownPath(secret: string, accountId: number, now: Date = new Date()): string {
  return `/breakdown/anonymous?t=${encodeURIComponent(anonymousBreakdownToken(secret, accountId, now))}`;
}

/** The account id a token stands for, or null when it is forged, malformed or expired. */
export function readAnonymousToken(secret: string, token: unknown, now: Date = new Date()): number | null {
  if (typeof token !== 'string' || token.length > 200) return null;
  const match = /^(\d{1,10})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return null;
  const [, id, expires, mac] = match as unknown as [string, string, string, string];
  const expected = Buffer.from(sign(secret, `${id}.${expires}`));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  if (Number(expires) * 1000 < now.getTime()) return null;
  return Number(id);
}
