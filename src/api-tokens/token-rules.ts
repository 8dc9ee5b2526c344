import { createHash, randomBytes } from 'node:crypto';
import { addDays, daysBetween, isCalendarDay, startOfLocalDay } from '../calendar/calendar';

/**
 * Personal access tokens: what a token looks like, what it may do, when it ends
 * (docs/decisions/145-api-tokens.md). Pure rules, no database.
 */

/** Every token starts with this, so people and secret scanners recognise one in a file or a log. */
export const TOKEN_PREFIX = 'vdk_pat_';

/** What a token may do. `readings:write` also reads the meters and the history it needs. */
export const SCOPES = ['readings:write', 'documents:read'] as const;
export type Scope = (typeof SCOPES)[number];

export const isScope = (s: string): s is Scope => (SCOPES as readonly string[]).includes(s);

/** Tokens a customer may hold at once (not revoked, not expired). */
export const MAX_ACTIVE_TOKENS = 10;
/** How far ahead an expiry date may be. */
export const MAX_EXPIRY_DAYS = 5 * 366;
export const NAME_MAX = 60;

/** A new token: the prefix and 32 random bytes (256 bits), URL-safe. */
export function newApiToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/**
 * The stored form of a token: its SHA-256. The secret has 256 bits, so a fast hash is enough (no
 * dictionary to try), and the lookup on every API request stays one index probe.
 */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The start of the token, shown in the list to tell tokens apart (reveals 4 of 43 random characters). */
export function tokenHint(token: string): string {
  return `${token.slice(0, TOKEN_PREFIX.length + 4)}…`;
}

/** Whether a string has the shape of one of our tokens (checked before any database lookup). */
export function looksLikeToken(s: string): boolean {
  return s.startsWith(TOKEN_PREFIX) && /^[A-Za-z0-9_-]{43}$/.test(s.slice(TOKEN_PREFIX.length));
}

/**
 * The token of an Authorization header: `none` without a Bearer scheme (the request is not
 * about tokens), `malformed` for a Bearer value that cannot be a token.
 */
export function bearerOf(
  header: string | undefined,
): { kind: 'none' } | { kind: 'malformed' } | { kind: 'token'; token: string } {
  if (!header) return { kind: 'none' };
  const m = /^Bearer\s+(\S*)\s*$/i.exec(header);
  if (!m) return /^Bearer\b/i.test(header) ? { kind: 'malformed' } : { kind: 'none' };
  const token = m[1] ?? '';
  return looksLikeToken(token) ? { kind: 'token', token } : { kind: 'malformed' };
}

/** Query parameter names that mean "a token", refused wherever they appear under /api/. */
const TOKEN_PARAMS = new Set(['access_token', 'token', 'api_token', 'api_key', 'apikey', 'bearer']);

/**
 * Whether a URL's query string carries a token: a token-like parameter name, or any value that
 * starts with our prefix. URLs end up in proxy logs, browser history and Referer headers.
 */
export function tokenInQuery(url: string): boolean {
  const q = url.indexOf('?');
  if (q < 0) return false;
  const params = new URLSearchParams(url.slice(q + 1));
  for (const [name, value] of params) {
    if (TOKEN_PARAMS.has(name.toLowerCase()) || value.includes(TOKEN_PREFIX)) return true;
  }
  return url.slice(q + 1).includes(TOKEN_PREFIX);
}

/** Why a stored token does not open the API now, or null when it does. */
export function tokenRefusal(
  t: { revokedAt: Date | null; expiresAt: Date | null },
  now: Date,
): 'revoked' | 'expired' | null {
  if (t.revokedAt) return 'revoked';
  if (t.expiresAt && t.expiresAt.getTime() <= now.getTime()) return 'expired';
  return null;
}

export type ExpiryProblem = 'invalid' | 'past' | 'tooFar';

/**
 * The expiry typed in the form, 'YYYY-MM-DD' or empty (never). The token works through that day
 * in Almaty (UTC+5) and ends at the next midnight there. `today` is the Almaty date now.
 */
export function parseExpiry(
  typed: string,
  today: string,
): { ok: true; expiresAt: Date | null } | { ok: false; problem: ExpiryProblem } {
  const text = typed.trim();
  if (!text) return { ok: true, expiresAt: null };
  if (!isCalendarDay(text)) return { ok: false, problem: 'invalid' };
  const days = daysBetween(today, text);
  if (days < 0) return { ok: false, problem: 'past' };
  if (days > MAX_EXPIRY_DAYS) return { ok: false, problem: 'tooFar' };
  return { ok: true, expiresAt: startOfLocalDay(addDays(text, 1)) };
}
