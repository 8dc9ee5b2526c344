import { randomBytes } from 'node:crypto';

/** The key of one submission of the readings form or API: generated when the form is drawn. */
const KEY = /^[A-Za-z0-9_-]{8,100}$/;

export function newIdempotencyKey(): string {
  return randomBytes(16).toString('base64url');
}

export function isIdempotencyKey(value: unknown): value is string {
  return typeof value === 'string' && KEY.test(value);
}
