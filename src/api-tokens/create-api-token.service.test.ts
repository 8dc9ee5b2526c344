import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { demoDatabase, type TestDatabase } from '../../test/helpers/db';
import { recordLoginFailure } from '../auth/login-throttle';
import { DEMO_PASSWORD } from '../demo/demo-catalogue';
import { createApiToken, type NewTokenInput } from './create-api-token.service';
import { revokeApiToken } from './revoke-api-token.service';
import { MAX_ACTIVE_TOKENS, tokenHash } from './token-rules';

const ENGINE = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
let h: TestDatabase;
let me: number;
let other: number;
const NOW = new Date('2026-11-30T08:00:00Z');
const ctx = (limit = 0) => ({
  locale: 'en' as const,
  ip: '203.0.113.9',
  publicUrl: 'http://localhost',
  now: NOW,
  limit: async () => limit,
});
const input = (over: Partial<NewTokenInput> = {}): NewTokenInput => ({
  name: 'Gateway',
  scopes: ['readings:write'],
  expires: '',
  current: DEMO_PASSWORD,
  ...over,
});
const userId = async (login: string) =>
  (await h.db.selectFrom('users').select('id').where('login', '=', login).executeTakeFirstOrThrow()).id;

beforeAll(async () => {
  h = await demoDatabase({ accounts: 5, months: 1 });
  me = await userId('02015213');
  other = await userId('01003317');
});
afterAll(async () => h?.close());
beforeEach(async () => {
  await h.db.deleteFrom('api_tokens').execute();
  await h.db.deleteFrom('login_throttle').execute();
});

describe(`createApiToken and revokeApiToken (${ENGINE})`, () => {
  it('makes one token per form key: the same form sent twice answers "duplicate", audited once', async () => {
    const first = await createApiToken(h.db, me, input({ name: 'Twice', formKey: 'form-key-0001' }), ctx());
    const again = await createApiToken(h.db, me, input({ name: 'Twice', formKey: 'form-key-0001' }), ctx());
    expect(first.ok).toBe(true);
    expect(again).toEqual({ ok: false, errors: {}, duplicate: true });
    // Another customer's form with the same key is another form.
    expect(
      (await createApiToken(h.db, other, input({ name: 'Twice', formKey: 'form-key-0001' }), ctx())).ok,
    ).toBe(true);
    const rows = await h.db.selectFrom('api_tokens').select('user_id').where('name', '=', 'Twice').execute();
    expect(rows.map((r) => r.user_id).sort()).toEqual([me, other].sort());
    const audited = await h.db
      .selectFrom('audit_log')
      .select('subject')
      .where('action', '=', 'api_token.created')
      .where('actor_user_id', '=', me)
      .where('details', 'is not', null)
      .execute();
    expect(audited.filter((a) => first.ok && a.subject === `api_token:${first.id}`)).toHaveLength(1);
  });

  it('stores the hash, the hint, the scopes and the expiry; audits without the token', async () => {
    const r = await createApiToken(
      h.db,
      me,
      input({ scopes: ['documents:read', 'readings:write'], expires: '2026-12-31' }),
      ctx(),
    );
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const row = await h.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('id', '=', r.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      user_id: me,
      name: 'Gateway',
      token_hash: tokenHash(r.token),
      hint: `${r.token.slice(0, 12)}…`,
      scopes: ['readings:write', 'documents:read'],
      revoked_at: null,
      last_used_at: null,
    });
    expect(row.expires_at?.toISOString()).toBe('2026-12-31T19:00:00.000Z');
    const audit = await h.db
      .selectFrom('audit_log')
      .select(['actor_user_id', 'subject', 'details'])
      .where('action', '=', 'api_token.created')
      .where('subject', '=', `api_token:${r.id}`)
      .executeTakeFirstOrThrow();
    expect(audit.actor_user_id).toBe(me);
    expect(JSON.stringify(audit.details)).not.toContain(r.token.slice(8));
  });

  it('asks for the right password, counting a wrong one as a failed login; stores nothing', async () => {
    const r = await createApiToken(h.db, me, input({ current: 'wrong-password' }), ctx());
    expect(r).toEqual({ ok: false, errors: { current: 'The current password is wrong.' } });
    const failures = await h.db.selectFrom('login_throttle').selectAll().execute();
    expect(failures.length).toBeGreaterThan(0);
    expect(await h.db.selectFrom('api_tokens').select('id').execute()).toEqual([]);
  });

  it('refuses the right password while the login is protected after many failures from other addresses; stores nothing', async () => {
    for (let i = 0; i < 20; i++) await recordLoginFailure(h.db, '02015213', `198.51.100.${i}`);
    const r = await createApiToken(h.db, me, input(), ctx());
    expect(r).toEqual({
      ok: false,
      errors: {
        current:
          'This login has had many failed sign-in attempts, so the password is not accepted here for now (for up to 24 hours after the last one). To change the password, use password recovery.',
      },
    });
    expect(await h.db.selectFrom('api_tokens').select('id').execute()).toEqual([]);
  });

  it('answers every wrong field at once', async () => {
    const r = await createApiToken(
      h.db,
      me,
      input({ name: 'x'.repeat(61), scopes: ['admin:all'], expires: '2026-11-29', current: '' }),
      ctx(),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.errors).sort()).toEqual(['current', 'expires', 'name', 'scopes']);
  });

  it(`refuses an eleventh active token, and the rate limit`, async () => {
    for (let i = 0; i < MAX_ACTIVE_TOKENS; i++) {
      expect((await createApiToken(h.db, me, input({ name: `t${i}` }), ctx())).ok).toBe(true);
    }
    const r = await createApiToken(h.db, me, input({ name: 'one more' }), ctx());
    expect(r).toEqual({ ok: false, errors: { form: expect.stringContaining('at most 10 active tokens') } });
    const limited = await createApiToken(h.db, other, input(), ctx(120));
    expect(limited).toEqual({
      ok: false,
      errors: { form: 'This was done too often. Try again in 2 minutes.' },
      limited: true,
    });
  });

  it("revokes only the customer's own live token, once", async () => {
    const r = await createApiToken(h.db, me, input(), ctx());
    if (!r.ok) throw new Error('not created');
    expect(await revokeApiToken(h.db, other, r.id, { ip: '1.2.3.4', now: NOW })).toBe(false);
    expect(await revokeApiToken(h.db, me, r.id, { ip: '1.2.3.4', now: NOW })).toBe(true);
    expect(await revokeApiToken(h.db, me, r.id, { ip: '1.2.3.4', now: NOW })).toBe(false);
    const row = await h.db
      .selectFrom('api_tokens')
      .select('revoked_at')
      .where('id', '=', r.id)
      .executeTakeFirstOrThrow();
    expect(row.revoked_at?.toISOString()).toBe(NOW.toISOString());
  });
});
