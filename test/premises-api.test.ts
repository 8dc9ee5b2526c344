// POST /api/v1/premises/readings: the readings of all a customer's accounts in one request, through
// the same use case as the form of all premises (each account stored whole or not at all).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApiToken } from '../src/api-tokens/create-api-token.service';
import { monthStart, periodOf } from '../src/calendar/calendar';
import { type TestApp, testApp } from './helpers/app';
import { testDatabase } from './helpers/db';
import { customerOf, type MeteredAccount, meteredAccount } from './helpers/factories';

const ENGINE = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const current = monthStart(periodOf(new Date()));
let t: TestApp;
let a: MeteredAccount;
let b: MeteredAccount;
let stranger: MeteredAccount;
const tokens = { readings: '', documents: '' };

beforeAll(async () => {
  const handle = await testDatabase();
  t = await testApp(handle);
  const db = handle.db;
  a = await meteredAccount(db);
  b = await meteredAccount(db, { kind: 'legal' });
  stranger = await meteredAccount(db);
  const user = await customerOf(db, a);
  await db.insertInto('user_accounts').values({ user_id: user.id, account_id: b.id }).execute();
  await customerOf(db, stranger);
  // Last month's readings, so the new ones are compared with them.
  const before = monthStart(periodOf(new Date(Date.now() - 40 * 86_400_000)));
  await db
    .insertInto('readings')
    .values(
      [a, b, stranger].flatMap((x) =>
        x.meters.map((m) => ({
          meter_id: m.id,
          period: before,
          value_l: 100_000,
          read_on: before,
          source: 'billing' as const,
        })),
      ),
    )
    .execute();
  const ctx = {
    locale: 'en' as const,
    ip: '192.0.2.1',
    publicUrl: 'http://x',
    now: new Date(),
    limit: async () => 0,
  };
  for (const scope of ['readings', 'documents'] as const) {
    const made = await createApiToken(
      db,
      user.id,
      {
        name: scope,
        scopes: [`${scope}:${scope === 'readings' ? 'write' : 'read'}`],
        expires: '',
        current: user.password,
      },
      ctx,
    );
    if (!made.ok) throw new Error('token not created');
    tokens[scope] = made.token;
  }
});
afterAll(async () => t.close());
beforeEach(async () => {
  await t.handle.db.deleteFrom('rate_limits').execute();
});

const send = (body: object, token = tokens.readings, lang = 'en') =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/premises/readings',
    headers: { authorization: `Bearer ${token}`, 'accept-language': lang },
    payload: body,
  });

const thisMonth = (meterId: number) =>
  t.handle.db
    .selectFrom('readings')
    .select(['value_l', 'status'])
    .where('meter_id', '=', meterId)
    .where('period', '=', current)
    .execute();

describe(`the readings API of all premises (${ENGINE})`, () => {
  it("stores the accounts whose readings pass, refuses the others and another customer's meter, and says which", async () => {
    const res = await send({
      idempotencyKey: 'bulk-api-key-1',
      readings: [
        { meterId: a.meters[0]!.id, value: '104,5' },
        { meterId: b.meters[0]!.id, value: '99' },
        { meterId: stranger.meters[0]!.id, value: '150' },
      ],
    });
    expect(res.statusCode).toBe(422);
    const body = res.json();
    expect(body.status).toBe('not_all_stored');
    expect(body.foreign).toEqual([stranger.meters[0]!.id]);
    expect(body.accounts.map((x: { account: string; status: string }) => [x.account, x.status])).toEqual([
      [a.number, 'accepted'],
      [b.number, 'invalid'],
    ]);
    expect(body.accounts[0].readings).toMatchObject([{ meterId: a.meters[0]!.id, valueL: 104_500 }]);
    expect(body.accounts[1].fields).toMatchObject([
      { meterId: b.meters[0]!.id, problem: 'lower', typed: '99' },
    ]);
    expect(await thisMonth(a.meters[0]!.id)).toEqual([{ value_l: 104_500, status: 'accepted' }]);
    expect(await thisMonth(b.meters[0]!.id)).toEqual([]);
    expect(await thisMonth(stranger.meters[0]!.id)).toEqual([]);
  });

  it('asks to confirm a large consumption (409) and stores it, flagged, once confirmed with that value; a resend stores nothing new', async () => {
    const meter = b.meters[1]!.id;
    const body = { idempotencyKey: 'bulk-api-key-2', readings: [{ meterId: meter, value: '400' }] };
    const asked = await send(body, tokens.readings, 'ru');
    expect(asked.statusCode).toBe(409);
    const large = asked.json().accounts[0].large[0];
    expect(large).toMatchObject({ meterId: meter, valueL: 400_000, consumptionM3: '300.000' });
    expect(asked.json().accounts[0].message).toContain('большой расход');
    expect(await thisMonth(meter)).toEqual([]);
    const wrongValue = await send({ ...body, confirmLarge: [{ meterId: meter, valueL: 399_000 }] });
    expect(wrongValue.statusCode).toBe(409);
    const confirmed = await send({ ...body, confirmLarge: [{ meterId: meter, valueL: 400_000 }] });
    expect(confirmed.statusCode).toBe(201);
    expect(confirmed.json()).toMatchObject({ status: 'accepted', foreign: [] });
    expect(await thisMonth(meter)).toEqual([{ value_l: 400_000, status: 'flagged' }]);
    const again = await send({ ...body, confirmLarge: [{ meterId: meter, valueL: 400_000 }] });
    expect(again.statusCode).toBe(200);
    expect(again.json().accounts[0].status).toBe('already_stored');
    expect(await thisMonth(meter)).toHaveLength(1);
  });

  it('refuses a token without readings:write (403), an unknown token (401), and a malformed body (400), storing nothing', async () => {
    const meter = a.meters[1]!.id;
    const readings = [{ meterId: meter, value: '120' }];
    expect((await send({ readings }, tokens.documents)).statusCode).toBe(403);
    expect((await send({ readings }, `vdk_pat_${'A'.repeat(43)}`)).statusCode).toBe(401);
    // Without a token, a POST is a session's and needs the CSRF token: refused before anything else.
    const anonymous = await t.app.inject({
      method: 'POST',
      url: '/api/v1/premises/readings',
      payload: { readings },
    });
    expect(anonymous.statusCode).toBe(403);
    for (const bad of [
      {},
      { readings: [] },
      { readings: [{ meterId: 'x', value: 1 }] },
      { readings: 'all' },
    ]) {
      const res = await send(bad);
      expect(res.statusCode, JSON.stringify(bad)).toBe(400);
      expect(res.json().message).toBeTruthy();
    }
    expect(await thisMonth(meter)).toEqual([]);
  });

  it('refuses an Idempotency-Key header that is no key with 400 in the user language; a valid one replays; none is allowed', async () => {
    const meter = a.meters[1]!.id;
    const readings = [{ meterId: meter, value: '121' }];
    const post = (key?: string, body: object = { readings }, lang = 'en') =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/premises/readings',
        headers: {
          authorization: `Bearer ${tokens.readings}`,
          'accept-language': lang,
          ...(key === undefined ? {} : { 'idempotency-key': key }),
        },
        payload: body,
      });
    for (const bad of ['', 'short', 'x'.repeat(101), 'bad key 0001', 'key.with.dots']) {
      const res = await post(bad);
      expect(res.statusCode, JSON.stringify(bad)).toBe(400);
      expect(res.json()).toMatchObject({ error: 'invalid_idempotency_key' });
      expect(res.json().message).toContain('Idempotency-Key');
      expect(res.json().message).toContain('8 to 100 characters');
    }
    expect((await post('bad key', { readings, idempotencyKey: 'bulk-body-key-1' })).statusCode).toBe(400);
    expect(await thisMonth(meter)).toEqual([]);

    const first = await post('bulk-header-key-1');
    expect(first.statusCode).toBe(201);
    const again = await post('bulk-header-key-1');
    expect(again.statusCode).toBe(200);
    expect(again.json().status).toBe('already_stored');
    expect(await thisMonth(meter)).toEqual([{ value_l: 121_000, status: 'accepted' }]);
    await t.handle.db
      .deleteFrom('readings')
      .where('meter_id', '=', meter)
      .where('period', '=', current)
      .execute();
    expect((await post(undefined, { readings }, 'kk')).statusCode).toBe(201);
    await t.handle.db
      .deleteFrom('readings')
      .where('meter_id', '=', meter)
      .where('period', '=', current)
      .execute();
  });

  it('refuses a body over the API limit with 413 as a JSON problem at once; the largest valid request still passes', async () => {
    const huge = {
      idempotencyKey: 'bulk-api-huge',
      readings: Array.from({ length: 130_000 }, (_, i) => ({ meterId: i + 1, value: '104,5' })),
    };
    const payload = JSON.stringify(huge);
    expect(payload.length).toBeGreaterThan(4_000_000);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/premises/readings',
      headers: {
        authorization: `Bearer ${tokens.readings}`,
        'accept-language': 'ru',
        'content-type': 'application/json',
      },
      payload,
    });
    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.json()).toMatchObject({ error: 'FST_ERR_CTP_BODY_TOO_LARGE' });
    expect(res.json().message).toContain('слишком велики');
    // The largest request the schema allows, indented: 1,000 readings of 30 characters, 1,000 confirmations.
    const largest = {
      idempotencyKey: 'k'.repeat(100),
      readings: Array.from({ length: 1000 }, (_, i) => ({
        meterId: 2_147_482_000 + i,
        value: '9'.repeat(30),
      })),
      confirmLarge: Array.from({ length: 1000 }, (_, i) => ({
        meterId: 2_147_482_000 + i,
        valueL: 99_999_999,
      })),
    };
    const indented = JSON.stringify(largest, null, 2);
    expect(indented.length).toBeGreaterThan(150_000);
    const passed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/premises/readings',
      headers: { authorization: `Bearer ${tokens.readings}`, 'content-type': 'application/json' },
      payload: indented,
    });
    expect(passed.statusCode).not.toBe(413);
    expect(passed.statusCode).not.toBe(400);
    expect(passed.json().foreign).toHaveLength(1000);
    // A form route is limited too, below its old 10 MB: a 2 MB form is refused with 413.
    const form = await t.app.inject({
      method: 'POST',
      url: '/cabinet/premises/readings',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'en' },
      payload: `m_1=${'9'.repeat(2 * 1024 * 1024)}`,
    });
    expect(form.statusCode).toBe(413);
    expect(form.body).toContain('The data sent is too large');
  });

  it('is in the OpenAPI document with its scope', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/docs/openapi.json' })).json();
    const op = doc.paths['/api/v1/premises/readings'].post;
    expect(op['x-token-scope']).toBe('readings:write');
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['201', '409', '422']));
  });
});
