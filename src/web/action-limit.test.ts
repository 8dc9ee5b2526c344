import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { databaseForFile, engine } from '../../test/helpers/file-database';
import { statementLog } from '../../test/helpers/statement-log';
import type { DB } from '../db/database';
import { actionLimit } from './action-limit';
import { hitCounter, openWindow, purgeRateLimits } from './rate-limit.queries';

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

  it("counts the user's and the client's hit in one statement", async () => {
    const log = statementLog(db);
    const limit = actionLimit(log.db, 'test.one', { perUser: 5, perClient: 5, timeWindowMs: 3600_000 });
    expect(await limit(from('192.0.2.80', 80))).toBe(0);
    expect(log.sent).toHaveLength(1);
    expect(log.sent[0]).toContain('insert into rate_limits');
    expect((await openWindow(db, 'action|test.one|user:80'))?.hits).toBe(1);
    expect((await openWindow(db, 'action|test.one|client:192.0.2.80'))?.hits).toBe(1);
  });

  it('a subject that spells the client key counts twice in that key, without an error', async () => {
    const limit = actionLimit(db, 'test.same', { perUser: 10, perClient: 3, timeWindowMs: 3600_000 });
    expect(await limit(from('192.0.2.90'), 'client:192.0.2.90')).toBe(0);
    expect((await openWindow(db, 'action|test.same|client:192.0.2.90'))?.hits).toBe(2);
    expect(await limit(from('192.0.2.90'), 'CLIENT:192.0.2.90')).toBeGreaterThan(3000);
  });

  it('attempts at the same time with shared keys are each counted, none lost and none stuck', async () => {
    const limit = actionLimit(db, 'test.together', { perUser: 100, perClient: 100, timeWindowMs: 3600_000 });
    // Twenty users from two addresses at once, the same users again from the other address.
    const waits = await Promise.all(
      Array.from({ length: 40 }, (_, n) =>
        limit(from(n % 2 ? '192.0.2.101' : '192.0.2.102', 100 + (n % 20))),
      ),
    );
    expect(waits.every((w) => w === 0)).toBe(true);
    expect((await openWindow(db, 'action|test.together|client:192.0.2.101'))?.hits).toBe(20);
    expect((await openWindow(db, 'action|test.together|client:192.0.2.102'))?.hits).toBe(20);
    for (let u = 100; u < 120; u++)
      expect((await openWindow(db, `action|test.together|user:${u}`))?.hits).toBe(2);
  });

  it('a subject with a lone surrogate is counted and limited like any other', async () => {
    const limit = actionLimit(db, 'test.odd', { perUser: 2, perClient: 100, timeWindowMs: 3600_000 });
    const subject = `x${'\ud800'}y`;
    expect(await limit(from('192.0.2.120'), subject)).toBe(0);
    expect(await limit(from('192.0.2.121'), subject)).toBe(0);
    expect(await limit(from('192.0.2.122'), subject)).toBeGreaterThan(3000);
  });

  it('the purge drops counters whose window has ended and keeps the open ones', async () => {
    await hitCounter(db, 'test.purge|ended', 1);
    await hitCounter(db, 'test.purge|open', 3600_000);
    await new Promise((r) => setTimeout(r, 20));
    await purgeRateLimits(db);
    const keys = await db
      .selectFrom('rate_limits')
      .select('key')
      .where('key', 'like', 'test.purge|%')
      .execute();
    expect(keys.map((k) => k.key)).toEqual(['test.purge|open']);
  });
});
