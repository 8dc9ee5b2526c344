import { createHmac, timingSafeEqual } from 'node:crypto';
import type { NotificationKind } from '../db/schema';
import { isNotificationKind } from './schedule';

/**
 * The one-click unsubscribe link of a message (RFC 8058): `<user id>.<kind>.<signature>`, signed
 * with the session secret, so a link turns off only that kind for that customer and cannot be
 * made up for anyone else. It does not expire: a link in an old message still works.
 */
function signature(secret: string, userId: number, kind: NotificationKind): string {
  return createHmac('sha256', secret)
    .update(`unsubscribe:${userId}:${kind}`)
    .digest('base64url')
    .slice(0, 32);
}

export function unsubscribeToken(secret: string, userId: number, kind: NotificationKind): string {
  return `${userId}.${kind}.${signature(secret, userId, kind)}`;
}

export function readUnsubscribeToken(
  secret: string,
  token: string,
): { userId: number; kind: NotificationKind } | null {
  const match = /^([1-9][0-9]{0,9})\.([a-z_]{1,40})\.([A-Za-z0-9_-]{32})$/.exec(token);
  if (!match) return null;
  const userId = Number(match[1]);
  const kind = match[2];
  if (!isNotificationKind(kind)) return null;
  const expected = Buffer.from(signature(secret, userId, kind));
  const given = Buffer.from(match[3]!);
  return expected.length === given.length && timingSafeEqual(expected, given) ? { userId, kind } : null;
}
