// Requests are validated by the routes' zod schemas: a form posted with what no browser sends
// answers the 400 page in the user's language (after the CSRF check), and the API's OpenAPI
// document is generated from the same schemas.
import { describe, expect, it } from 'vitest';
import { type Browser, textOf } from './helpers/app';
import {
  clearCurrentMonth,
  cold,
  currentRows,
  ENGINE,
  signedIn,
  t,
  useReadingsApp,
} from './helpers/readings';

useReadingsApp();

function postJson(b: Browser, url: string, body: unknown) {
  return t.app.inject({
    method: 'POST',
    url,
    payload: JSON.stringify(body),
    headers: {
      cookie: [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      'content-type': 'application/json',
    },
  });
}

describe(`request schemas (${ENGINE})`, () => {
  it('answers a form posted with an object or a list of numbers where a string goes with the 400 page in the user language', async () => {
    await clearCurrentMonth();
    const b = await signedIn('02015213', 'ru');
    await b.get('/cabinet/readings');
    for (const body of [
      { _csrf: b.csrf, key: { $gt: '' }, [`m_${cold}`]: '1' },
      { _csrf: b.csrf, [`m_${cold}`]: [1, 2] },
      { _csrf: b.csrf, confirm_partial: true },
    ]) {
      const res = await postJson(b, '/cabinet/readings', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.headers['content-type']).toContain('text/html');
      const text = textOf(res.body);
      expect(text).toContain('Запрос не удалось прочитать: проверьте отправленные данные.');
      expect(text).toContain('Номер ошибки');
      expect(res.body).not.toMatch(/ZodError|at .*\.ts:\d+/);
    }
    expect(await currentRows(cold)).toEqual([]);
  });

  it('checks the CSRF token before the schema: a forged malformed form is refused as forged', async () => {
    const b = await signedIn('02015213', 'en');
    await b.get('/cabinet/readings');
    const res = await postJson(b, '/cabinet/readings', { _csrf: 'forged', key: { $gt: '' } });
    expect(res.statusCode).toBe(403);
  });

  it('takes a repeated form field as a browser sends it (the first value), not as an error', async () => {
    await clearCurrentMonth();
    const b = await signedIn('02015213', 'en');
    await b.get('/cabinet/readings');
    const res = await t.app.inject({
      method: 'POST',
      url: '/cabinet/readings',
      payload: `_csrf=${encodeURIComponent(b.csrf)}&action=cancel&action=send&m_${cold}=1`,
      headers: {
        cookie: [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        'content-type': 'application/x-www-form-urlencoded',
      },
    });
    expect(res.statusCode).toBe(200);
    expect(await currentRows(cold)).toEqual([]);
  });

  it('describes the readings submission with the body schema the route validates with', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/docs/openapi.json' })).json();
    const post = doc.paths['/api/v1/accounts/{account}/readings'].post;
    const body = post.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(['readings']);
    expect(body.properties.readings).toMatchObject({ type: 'array', minItems: 1, maxItems: 50 });
    expect(body.properties.readings.items.properties.meterId).toMatchObject({
      type: 'integer',
      minimum: 1,
      maximum: 2147483647,
    });
    expect(body.properties.idempotencyKey.pattern).toBe('^[A-Za-z0-9_-]{8,100}$');
    expect(post.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ in: 'path', name: 'account', required: true })]),
    );
    expect(Object.keys(post.responses)).toEqual(
      expect.arrayContaining(['200', '201', '400', '401', '403', '404', '409', '422', '429']),
    );
    expect(post.responses['422'].content['application/json'].schema.properties.fields.type).toBe('array');
    const history = doc.paths['/api/v1/accounts/{account}/readings'].get;
    expect(history.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ in: 'query', name: 'months' })]),
    );
    const statement = doc.paths['/api/v1/accounts/{account}/statement'].get;
    expect(statement.parameters.map((p: { name: string }) => p.name).sort()).toEqual([
      'account',
      'from',
      'to',
    ]);
  });
});
