import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { databaseForFile, engine } from '../../test/helpers/file-database';
import type { DB } from '../db/database';
import { actionLimit } from './action-limit';

let db: DB;
databaseForFile('fresh', (opened) => {
  db = opened;
});

const from = (ip: string, userId?: number) =>
  ({ ip, user: userId ? { id: userId } : undefined }) as FastifyRequest;

describe(`the limit of an action that mails (${engine})`, () => {
  it('counts per user in its window and per client address in the client window when one is given', async () => {
    const limit = actionLimit(db, 'test.mail', {
      perUser: 3,
      timeWindowMs: 3600_000,
      perClient: 4,
      clientWindowMs: 10 * 60_000,
    });
    // Four users from one address: the fifth attempt from it waits for the client's ten minutes.
    for (const user of [1, 2, 3, 4]) expect(await limit(from('192.0.2.7', user))).toBe(0);
    const wait = await limit(from('192.0.2.7', 5));
    expect(wait).toBeGreaterThan(500);
    expect(wait).toBeLessThanOrEqual(600);
    // One user from other addresses: the fourth attempt waits for the user's hour.
    for (const ip of ['198.51.100.1', '198.51.100.2', '198.51.100.3'])
      expect(await limit(from(ip, 9))).toBe(0);
    const userWait = await limit(from('198.51.100.4', 9));
    expect(userWait).toBeGreaterThan(3000);
    expect(userWait).toBeLessThanOrEqual(3600);
  });

  it('uses the one window for both without a client window', async () => {
    const limit = actionLimit(db, 'test.other', { perUser: 10, timeWindowMs: 3600_000, perClient: 1 });
    expect(await limit(from('203.0.113.9'))).toBe(0);
    expect(await limit(from('203.0.113.9'))).toBeGreaterThan(3000);
  });
});
