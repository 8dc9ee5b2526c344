import { createHmac, timingSafeEqual } from 'node:crypto';

/** How long a "Get breakdown" link from the account lookup stays valid. */
export const LOOKUP_TOKEN_TTL_MS = 24 * 3600_000;

function sign(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(`lookup:${payload}`).digest('base64url');
}

/**
 * A signed, expiring token naming one account, given out by the account lookup after an exact
 * match. The anonymous breakdown page (/breakdown/anonymous?token=...) accepts only such tokens,
 * so it cannot be used to walk through account numbers.
 */
export function signLookupToken(secret: string, accountNumber: string, now = Date.now()): string {
  const payload = `${accountNumber}.${Math.floor((now + LOOKUP_TOKEN_TTL_MS) / 1000)}`;
  return `${payload}.${sign(secret, payload)}`;
}

/** The account number of a valid, unexpired token; null otherwise. */
export function verifyLookupToken(secret: string, token: string, now = Date.now()): string | null {
  const match = /^(\d{8})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token ?? '');
  if (!match) return null;
  const [, number, expires, signature] = match as unknown as [string, string, string, string];
  const expected = Buffer.from(sign(secret, `${number}.${expires}`));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  if (Number(expires) * 1000 < now) return null;
  return number;
}
