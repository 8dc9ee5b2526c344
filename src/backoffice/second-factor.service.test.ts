import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, testDatabase } from '../../test/helpers/db';
import { secondFactorStatus, verifySecondFactor } from './second-factor.service';
import { createStaffUser } from './staff-users.service';
import { currentTotp, newTotpSecret } from './totp';

const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
let h: TestDatabase;
let adminId: number;

beforeAll(async () => {
  h = await testDatabase();
  adminId = await createStaffUser(h.db, {
    login: 'chief',
    role: 'admin',
    email: 'chief@example.kz',
    password: 'long enough password',
  });
  for (const id_hash of ['session-a', 'session-b'])
    await h.db
      .insertInto('sessions')
      .values({ id_hash, user_id: adminId, persistent: false, expires_at: new Date(Date.now() + 3600_000) })
      .execute();
});
afterAll(async () => h?.close());

describe(`the administrator's second factor (${engine})`, () => {
  it('enrols with the first right code, verifies that session only, and reports it', async () => {
    expect(await secondFactorStatus(h.db, adminId, 'session-a')).toEqual({
      enrolled: false,
      verified: false,
      lockedUntil: null,
    });
    const secret = newTotpSecret();
    const now = Date.now();
    const result = await verifySecondFactor(
      h.db,
      {
        userId: adminId,
        sessionHash: 'session-a',
        code: currentTotp(secret, 'chief', now),
        pendingSecret: secret,
        ip: '192.0.2.9',
      },
      now,
    );
    expect(result).toEqual({ ok: true, enrolled: true });
    expect(await secondFactorStatus(h.db, adminId, 'session-a')).toEqual({
      enrolled: true,
      verified: true,
      lockedUntil: null,
    });
    expect((await secondFactorStatus(h.db, adminId, 'session-b')).verified).toBe(false);
    const stored = await h.db
      .selectFrom('users')
      .select('totp_secret')
      .where('id', '=', adminId)
      .executeTakeFirstOrThrow();
    expect(stored.totp_secret).toBe(secret);
  });

  it('locks after the free wrong codes and says until when', async () => {
    const codes = [];
    for (let i = 0; i < 5; i++)
      codes.push(
        await verifySecondFactor(h.db, {
          userId: adminId,
          sessionHash: 'session-b',
          code: '12345',
          pendingSecret: null,
          ip: '192.0.2.9',
        }),
      );
    expect(codes.map((c) => c.ok)).toEqual([false, false, false, false, false]);
    const last = codes.at(-1);
    expect(last?.ok === false && last.lockedUntil instanceof Date).toBe(true);
    const status = await secondFactorStatus(h.db, adminId, 'session-b');
    expect(status.lockedUntil).toBeInstanceOf(Date);
    const failed = await h.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'admin.totp.failed')
      .execute();
    expect(failed).toHaveLength(5);
  });
});
