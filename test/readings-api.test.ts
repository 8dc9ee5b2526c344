// The readings JSON API under /api/v1: the same rules as the page, idempotency keys, OpenAPI.
import { describe, expect, it } from 'vitest';
import type { Browser } from './helpers/app';
import {
  clearCurrentMonth,
  cold,
  currentRows,
  ENGINE,
  m3,
  period,
  previousL,
  signedIn,
  t,
  useReadingsApp,
} from './helpers/readings';

useReadingsApp();

describe(`readings JSON API (${ENGINE})`, () => {
  async function api(b: Browser, method: 'GET' | 'POST', url: string, body?: unknown, csrf?: string) {
    return t.app.inject({
      method,
      url,
      headers: {
        cookie: [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(csrf ? { 'x-csrf-token': csrf } : {}),
      },
      ...(body ? { payload: body as object } : {}),
    });
  }

  it('lists meters, submits with the same rules, replays an idempotency key, hides other accounts', async () => {
    await clearCurrentMonth();
    const b = await signedIn();
    const meters = await api(b, 'GET', '/api/v1/accounts/02015213/meters');
    expect(meters.statusCode).toBe(200);
    const data = meters.json();
    expect(
      data.meters.map((m: { serial: string; verification: string }) => [m.serial, m.verification]),
    ).toEqual([
      ['31883369', 'ok'],
      ['31883423', 'soon'],
    ]);
    for (const c of meters.cookies as { name: string; value: string }[]) b.cookies.set(c.name, c.value);
    const csrf = meters.headers['x-csrf-token'] as string;
    expect(csrf).toBeTruthy();

    const coldValue = (await previousL('31883369')) + 1_500;
    const body = { readings: [{ meterId: cold, value: m3(coldValue) }], idempotencyKey: 'api-test-key-0001' };
    expect((await api(b, 'POST', '/api/v1/accounts/02015213/readings', body)).statusCode).toBe(403);
    const partial = await api(b, 'POST', '/api/v1/accounts/02015213/readings', body, csrf);
    expect(partial.statusCode).toBe(409);
    expect(partial.json()).toMatchObject({
      error: 'confirmation_required',
      partial: { filled: 1, total: 2 },
    });

    const bad = await api(
      b,
      'POST',
      '/api/v1/accounts/02015213/readings',
      { readings: [{ meterId: cold, value: '12a' }], confirmPartial: true },
      csrf,
    );
    expect(bad.statusCode).toBe(422);
    expect(bad.json().fields[0]).toMatchObject({ meterId: cold, problem: 'notNumber', typed: '12a' });

    const ok = await api(
      b,
      'POST',
      '/api/v1/accounts/02015213/readings',
      { ...body, confirmPartial: true },
      csrf,
    );
    expect(ok.statusCode).toBe(201);
    expect(ok.json().readings[0]).toMatchObject({ meterId: cold, value: m3(coldValue), status: 'accepted' });
    const replay = await api(
      b,
      'POST',
      '/api/v1/accounts/02015213/readings',
      { ...body, confirmPartial: true },
      csrf,
    );
    expect(replay.statusCode).toBe(200);
    expect(replay.json().status).toBe('already_stored');
    expect(await currentRows(cold)).toHaveLength(1);

    const lower = await api(
      b,
      'POST',
      '/api/v1/accounts/02015213/readings',
      { readings: [{ meterId: cold, value: m3(coldValue - 10_000) }], confirmPartial: true },
      csrf,
    );
    expect(lower.statusCode).toBe(422);
    expect(lower.json().fields[0].problem).toBe('lower');

    const history = await api(b, 'GET', '/api/v1/accounts/02015213/readings?months=12');
    expect(history.statusCode).toBe(200);
    expect(history.json().readings[0]).toMatchObject({
      meterId: cold,
      value: m3(coldValue),
      source: 'cabinet',
    });
    expect(history.json().consumption).toHaveLength(12);

    expect((await api(b, 'GET', '/api/v1/accounts/01003317/meters')).statusCode).toBe(404);
    expect(
      (await api(b, 'POST', '/api/v1/accounts/01003317/readings', { ...body, confirmPartial: true }, csrf))
        .statusCode,
    ).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/accounts/02015213/meters' })).statusCode).toBe(
      401,
    );
  });

  it('answers a malformed request with 400, a message in the user language and what was wrong', async () => {
    await clearCurrentMonth();
    const b = await signedIn('02015213', 'ru');
    const meters = await api(b, 'GET', '/api/v1/accounts/02015213/meters');
    for (const c of meters.cookies as { name: string; value: string }[]) b.cookies.set(c.name, c.value);
    const csrf = meters.headers['x-csrf-token'] as string;
    const broken = await t.app.inject({
      method: 'POST',
      url: '/api/v1/accounts/02015213/readings',
      headers: {
        cookie: [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        'x-csrf-token': csrf,
        'content-type': 'application/json',
      },
      payload: '{"readings": [',
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().message).toBe('Запрос не удалось прочитать: проверьте отправленные данные.');
    expect(broken.json().detail).toMatch(/JSON/i);
    const empty = await api(b, 'POST', '/api/v1/accounts/02015213/readings', { readings: [] }, csrf);
    expect(empty.statusCode).toBe(400);
    expect(empty.json().detail).toContain('readings');
    expect(
      await t.handle.db.selectFrom('readings').select('id').where('period', '=', period).execute(),
    ).toEqual([]);
  });

  it('refuses an Idempotency-Key header that is no key with 400 naming the header; a valid one replays; none is allowed', async () => {
    await clearCurrentMonth();
    const b = await signedIn('02015213', 'ru');
    const meters = await api(b, 'GET', '/api/v1/accounts/02015213/meters');
    for (const c of meters.cookies as { name: string; value: string }[]) b.cookies.set(c.name, c.value);
    const csrf = meters.headers['x-csrf-token'] as string;
    const value = m3((await previousL('31883369')) + 1_500);
    const body = { readings: [{ meterId: cold, value }], confirmPartial: true };
    const post = (key?: string, payload: object = body) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/accounts/02015213/readings',
        headers: {
          cookie: [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
          'x-csrf-token': csrf,
          ...(key === undefined ? {} : { 'idempotency-key': key }),
        },
        payload,
      });
    for (const bad of ['', 'short', 'x'.repeat(101), 'bad key 0001', 'key/with/slash', `${'k'.repeat(9)};`]) {
      const res = await post(bad);
      expect(res.statusCode, JSON.stringify(bad)).toBe(400);
      expect(res.json()).toMatchObject({ error: 'invalid_idempotency_key' });
      expect(res.json().message).toContain('Idempotency-Key');
      expect(res.json().message).toContain('от 8 до 100 символов');
    }
    // Even with a valid key in the body, a broken header is refused rather than ignored.
    expect((await post('bad key', { ...body, idempotencyKey: 'body-key-0001' })).statusCode).toBe(400);
    expect(await currentRows(cold)).toEqual([]);

    const first = await post('header-key-0001');
    expect(first.statusCode).toBe(201);
    const again = await post('header-key-0001');
    expect(again.statusCode).toBe(200);
    expect(again.json().status).toBe('already_stored');
    expect((await currentRows(cold)).map((r) => r.idempotency_key?.split(':')[0])).toEqual([
      'header-key-0001',
    ]);

    await clearCurrentMonth();
    expect((await post()).statusCode).toBe(201);
  });

  it('documents the Idempotency-Key header in OpenAPI', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/docs/openapi.json' })).json();
    for (const path of ['/api/v1/accounts/{account}/readings', '/api/v1/premises/readings']) {
      const header = doc.paths[path].post.parameters.find(
        (p: { in: string; name: string }) => p.in === 'header' && p.name === 'idempotency-key',
      );
      expect(header, path).toBeTruthy();
      expect(header.required).toBeFalsy();
      expect(header.description ?? header.schema?.description).toContain('invalid_idempotency_key');
    }
  });

  it('is described in OpenAPI', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/docs/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/accounts/{account}/meters', '/api/v1/accounts/{account}/readings']),
    );
    expect(doc.paths['/api/v1/accounts/{account}/readings'].post.requestBody).toBeTruthy();
  });
});
