import { randomBytes } from 'node:crypto';

/**
 * The key of one drawing of a form that creates something (decision 170): the same form sent
 * twice (a double click, a resend from history) carries the same key, and the use case makes one.
 */
const KEY = /^[A-Za-z0-9_-]{8,100}$/;

export function newFormKey(): string {
  return randomBytes(16).toString('base64url');
}

/** The key from a form field, or null when it is missing or malformed. */
export function formKeyOf(value: unknown): string | null {
  return typeof value === 'string' && KEY.test(value) ? value : null;
}
