import { createHash, randomBytes } from 'node:crypto';

/** How long readings typed before a login are kept (decision 130). */
export const DRAFT_MS = 30 * 60_000;
/**
 * Forms kept as drafts per client address (every form without a session counts, both readings
 * forms together): anyone can send one, so a flood of them is refused before any row is written.
 */
export const DRAFT_LIMIT = { perUser: 30, perClient: 30, timeWindowMs: 10 * 60_000 };

/** The cookie that holds a draft's token, on the readings page's path only. */
export const DRAFT_COOKIE = 'readings_draft';

const TOKEN = /^[A-Za-z0-9_-]{20,64}$/;

export function newDraftToken(): string {
  return randomBytes(24).toString('base64url');
}

export function isDraftToken(value: unknown): value is string {
  return typeof value === 'string' && TOKEN.test(value);
}

/** Only the hash is stored: the database alone does not let anyone fill a form in. */
export function draftTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
