import { isIPv6 } from 'node:net';
import type { DB } from '../db/database';
import {
  countFailure,
  forgetClientFailures,
  purgeLoginThrottle,
  throttleCounts,
} from './login-throttle.queries';

/**
 * Failed logins slow down the guesser, never the owner (decision 063):
 * - per (login, client): the first CLIENT_FREE_FAILURES failures cost nothing; after that the
 *   client waits before each further try, FIRST_WAIT_MS doubled per failure, at most MAX_WAIT_MS;
 * - per login over all clients: past PROTECT_AFTER failures the password alone opens no session;
 *   the right password gets a one-time sign-in link mailed to the login's address instead.
 * Counters are kept for any typed login, known or not, so both are answered alike; they are
 * forgotten FORGET_MS after their last failure.
 */
export const LOGIN_THROTTLE = {
  CLIENT_FREE_FAILURES: 5,
  FIRST_WAIT_MS: 60_000,
  MAX_WAIT_MS: 3600_000,
  PROTECT_AFTER: 20,
  FORGET_MS: 24 * 3600_000,
} as const;

export type ThrottleState = { kind: 'open'; protected: boolean } | { kind: 'wait'; seconds: number };

/** Logins are counted as typed, case and surrounding spaces aside. */
export function throttleLogin(login: string): string {
  return login.trim().toLowerCase().slice(0, 200);
}

/**
 * The client a counter belongs to: its IP address; an IPv6 client by its /64 network, since one
 * host gets a whole /64 and could otherwise change address on every try.
 */
export function throttleClient(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1]) return mapped[1];
  if (!isIPv6(ip)) return ip;
  const [head = '', tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::')
    ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/** How long a client with this many failures waits after its last one. */
export function clientWaitMs(failures: number): number {
  const { CLIENT_FREE_FAILURES, FIRST_WAIT_MS, MAX_WAIT_MS } = LOGIN_THROTTLE;
  if (failures < CLIENT_FREE_FAILURES) return 0;
  return Math.min(MAX_WAIT_MS, FIRST_WAIT_MS * 2 ** Math.min(20, failures - CLIENT_FREE_FAILURES));
}

export async function loginThrottleState(db: DB, login: string, ip: string): Promise<ThrottleState> {
  const counts = await throttleCounts(db, throttleLogin(login), throttleClient(ip), LOGIN_THROTTLE.FORGET_MS);
  if (counts.client) {
    const until = counts.client.lastFailureAt.getTime() + clientWaitMs(counts.client.failures);
    const left = until - counts.now.getTime();
    if (left > 0) return { kind: 'wait', seconds: Math.ceil(left / 1000) };
  }
  return { kind: 'open', protected: (counts.login?.failures ?? 0) >= LOGIN_THROTTLE.PROTECT_AFTER };
}

export function recordLoginFailure(db: DB, login: string, ip: string): Promise<void> {
  return countFailure(db, throttleLogin(login), throttleClient(ip), LOGIN_THROTTLE.FORGET_MS);
}

export function recordLoginSuccess(db: DB, login: string, ip: string): Promise<void> {
  return forgetClientFailures(db, throttleLogin(login), throttleClient(ip));
}

export function purgeLoginCounters(db: DB): Promise<void> {
  return purgeLoginThrottle(db, LOGIN_THROTTLE.FORGET_MS);
}
