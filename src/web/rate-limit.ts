import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { DB } from '../db/database';
import { hitCounter, openWindow } from './rate-limit.queries';

type IncrCallback = (error: Error | null, result?: { current: number; ttl: number }) => void;

interface StoreParams {
  routeInfo?: { method?: string | string[]; url?: string };
  groupId?: string;
}

/**
 * Rate-limit counters in PostgreSQL (table rate_limits), so every app process counts the same hits.
 * A fixed window per key: the first hit opens it, hits after reset_at start a new one. One upsert
 * per request, atomic on both engines.
 */
export function postgresRateLimitStore(db: DB) {
  return class PostgresRateLimitStore {
    constructor(
      _params: object = {},
      private readonly prefix = 'global',
    ) {}

    incr(key: string, callback: IncrCallback, timeWindow: number, _max: number) {
      hitCounter(db, `${this.prefix}|${key}`, timeWindow).then(
        (result) => callback(null, result),
        (error: Error) => callback(error),
      );
    }

    child(routeOptions: object) {
      const params = routeOptions as StoreParams;
      const route = params.routeInfo?.url
        ? `${[params.routeInfo.method].flat().join(',')} ${params.routeInfo.url}`
        : 'custom';
      return new PostgresRateLimitStore(params, params.groupId ?? route);
    }
  };
}

export class RateLimitedError extends Error {
  statusCode = 429;
  code = 'FST_RATE_LIMITED';
  constructor(readonly retryAfterSeconds: number) {
    super(`Rate limit reached, retry in ${retryAfterSeconds} s`);
  }
}

/**
 * Registers @fastify/rate-limit for routes that ask for it (`config: { rateLimit: { max, timeWindow } }`,
 * counted per client IP). Hitting the limit throws a 429 that the error pages show in the user's
 * language with a Retry-After header.
 */
export async function registerRateLimits(app: FastifyInstance, db: DB) {
  await app.register(rateLimit, {
    global: false,
    store: postgresRateLimitStore(db),
    errorResponseBuilder: (_req, context) => new RateLimitedError(Math.ceil(context.ttl / 1000)),
  });
}

/**
 * A second counter keyed by what the client typed (login, email, account), so one login cannot be
 * attacked from many addresses. Throws RateLimitedError when the limit is passed.
 */
export function perValueLimit(
  db: DB,
  name: string,
  options: { max: number; timeWindowMs: number },
): (reply: FastifyReply, value: string) => Promise<void> {
  return async (reply, value) => {
    const normalized = value.trim().toLowerCase();
    if (!normalized) return;
    const { current, ttl } = await hitCounter(db, `${name}|${normalized}`, options.timeWindowMs);
    if (current > options.max) {
      const seconds = Math.max(1, Math.ceil(ttl / 1000));
      reply.header('retry-after', seconds);
      throw new RateLimitedError(seconds);
    }
  };
}

/**
 * A per-value counter of failures only (failed logins): `check` refuses once `max` failures are
 * counted in the window, `fail` counts one. Successful attempts cost nothing, so people who log in
 * often are never limited.
 */
export function failureLimit(db: DB, name: string, options: { max: number; timeWindowMs: number }) {
  const keyOf = (value: string) => `${name}|${value.trim().toLowerCase()}`.slice(0, 300);
  return {
    async check(reply: FastifyReply, value: string): Promise<void> {
      const row = await openWindow(db, keyOf(value));
      if (row && row.hits >= options.max) {
        const seconds = Math.max(1, row.seconds);
        reply.header('retry-after', seconds);
        throw new RateLimitedError(seconds);
      }
    },
    async fail(value: string): Promise<void> {
      if (value.trim()) await hitCounter(db, keyOf(value), options.timeWindowMs);
    },
  };
}
