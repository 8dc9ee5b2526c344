import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, testDatabase } from '../../test/helpers/db';
import { createStaffUser, resetStaffTotp, StaffUserError } from './staff-users.service';

const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
let h: TestDatabase;
beforeAll(async () => {
  h = await testDatabase();
});
afterAll(async () => h?.close());

const input = {
  login: ' Chief.Two ',
  role: 'admin' as const,
  email: 'Chief2@example.kz',
  password: 'long enough!',
};

describe(`staff users from the command line (${engine})`, () => {
  it('creates a staff user with a confirmed email, audited, and refuses the same login or email', async () => {
    const id = await createStaffUser(h.db, input);
    const row = await h.db
      .selectFrom('users')
      .select(['login', 'role', 'locale', 'email_confirmed_at'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect([row.login, row.role, row.locale]).toEqual(['chief.two', 'admin', 'ru']);
    expect(row.email_confirmed_at).toBeInstanceOf(Date);
    await expect(
      createStaffUser(h.db, { ...input, login: 'other', email: 'chief2@EXAMPLE.kz' }),
    ).rejects.toThrow(StaffUserError);
    await expect(createStaffUser(h.db, { ...input, email: 'x@example.kz' })).rejects.toThrow(StaffUserError);
    const audit = await h.db.selectFrom('audit_log').select(['action', 'subject']).execute();
    expect(audit).toEqual([{ action: 'staff.create', subject: 'chief.two' }]);
  });

  it('resets the TOTP secret and ends the sessions of a staff user only', async () => {
    const user = await h.db
      .updateTable('users')
      .set({ totp_secret: 'ABC', totp_failed: 3 })
      .where('login', '=', 'chief.two')
      .returning('id')
      .executeTakeFirstOrThrow();
    await h.db
      .insertInto('sessions')
      .values({
        id_hash: 's1',
        user_id: user.id,
        persistent: false,
        expires_at: new Date(Date.now() + 60_000),
      })
      .execute();
    await resetStaffTotp(h.db, 'Chief.Two');
    const row = await h.db
      .selectFrom('users')
      .select(['totp_secret', 'totp_failed'])
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ totp_secret: null, totp_failed: 0 });
    expect(await h.db.selectFrom('sessions').select('id_hash').execute()).toEqual([]);
    await expect(resetStaffTotp(h.db, 'nobody')).rejects.toThrow(StaffUserError);
  });
});
