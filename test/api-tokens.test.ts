import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tokenHash } from '../src/api-tokens/token-rules';
import { buildApp } from '../src/app';
import { requireCustomer } from '../src/auth/guard';
import { monthStart, periodOf } from '../src/calendar/calendar';
import { loadConfig } from '../src/config';
import { DEMO_PASSWORD } from '../src/demo/demo-catalogue';
import { formatMeterReading } from '../src/money/litres';
import { Browser, type TestApp, testApp, textOf } from './helpers/app';
import { demoDatabase } from './helpers/db';

const ENGINE = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const ACCOUNT = '02015213';
const OTHER = '01003317';
const period = monthStart(periodOf(new Date()));
let t: TestApp;
let cold: number;

beforeAll(async () => {
  t = await testApp(await demoDatabase());
  cold = (
    await t.handle.db
      .selectFrom('meters')
      .select('id')
      .where('serial', '=', '31883369')
      .executeTakeFirstOrThrow()
  ).id;
});
afterAll(async () => t?.close());
// Each test starts without tokens and with fresh counters (the create limit and the cap of 10).
beforeEach(async () => {
  await t.handle.db.deleteFrom('api_tokens').execute();
  await t.handle.db.deleteFrom('rate_limits').execute();
});

async function signedIn(login = ACCOUNT, lang: 'kk' | 'ru' | 'en' = 'en') {
  const b = new Browser(t.app);
  expect((await b.login(login, DEMO_PASSWORD)).statusCode).toBe(303);
  await b.get(`/lang/${lang}?next=/cabinet`);
  return b;
}

/** Creates a token through the page, as the customer does; answers the token shown once. */
async function createToken(b: Browser, form: Record<string, string | string[]> = {}): Promise<string> {
  const page = await b.get('/cabinet/tokens');
  const res = await postForm(b, '/cabinet/tokens', {
    name: 'Home gateway',
    scopes: 'readings:write',
    current: DEMO_PASSWORD,
    form_key: formKeyIn(page.body),
    ...form,
  });
  expect(res.statusCode).toBe(303);
  const shown = await b.get(res.headers.location as string);
  const token = shownToken(shown.body);
  expect(token).toMatch(/^vdk_pat_[A-Za-z0-9_-]{43}$/);
  return token!;
}

const shownToken = (html: string) => /<code id="new-token">([^<]+)<\/code>/.exec(html)?.[1];
const formKeyIn = (html: string) => /name="form_key" value="([^"]+)"/.exec(html)?.[1] ?? '';

/** A form post with repeated fields (checkboxes), with the page's CSRF token; keeps the cookies set. */
async function postForm(b: Browser, url: string, form: Record<string, string | string[]>) {
  const body = new URLSearchParams();
  body.append('_csrf', b.csrf);
  for (const [k, v] of Object.entries(form)) for (const one of [v].flat()) body.append(k, one);
  const res = await t.app.inject({
    method: 'POST',
    url,
    payload: body.toString(),
    headers: {
      cookie: [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      'content-type': 'application/x-www-form-urlencoded',
    },
  });
  for (const c of res.cookies as { name: string; value: string }[]) {
    if (c.value === '') b.cookies.delete(c.name);
    else b.cookies.set(c.name, c.value);
  }
  return res;
}

/**
 * A form sent as a browser sends it: a redirect is followed. Answers the page shown and `reload`,
 * which repeats what F5 repeats: the request that drew that page (the POST itself when the form
 * answered with a page, the GET after a redirect).
 */
async function submitLikeABrowser(b: Browser, url: string, form: Record<string, string | string[]>) {
  const res = await postForm(b, url, form);
  const location = res.statusCode === 303 ? (res.headers.location as string) : null;
  const page = location ? await b.get(location) : res;
  const reload = () => (location ? b.get(location) : postForm(b, url, form));
  return { page, reload };
}

const tokensNamed = (name: string) =>
  t.handle.db.selectFrom('api_tokens').select(['id', 'shown_at']).where('name', '=', name).execute();

function withToken(
  token: string,
  method: 'GET' | 'POST',
  url: string,
  body?: object,
  extra: Record<string, string> = {},
  remoteAddress = '127.0.0.1',
) {
  return t.app.inject({
    method,
    url,
    remoteAddress,
    headers: { authorization: `Bearer ${token}`, 'accept-language': 'en', ...extra },
    ...(body ? { payload: body } : {}),
  });
}

async function previousL(): Promise<number> {
  const row = await t.handle.db
    .selectFrom('readings')
    .select('value_l')
    .where('meter_id', '=', cold)
    .where('period', '<', period)
    .orderBy('period', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  return row.value_l;
}

const currentRows = () =>
  t.handle.db
    .selectFrom('readings')
    .select(['value_l', 'source', 'submitted_by'])
    .where('meter_id', '=', cold)
    .where('period', '=', period)
    .orderBy('id')
    .execute();

const clearCurrentMonth = () => t.handle.db.deleteFrom('readings').where('period', '=', period).execute();

describe(`API tokens (${ENGINE})`, () => {
  it('submits a reading with a Bearer token, no cookie and no CSRF: the reading is stored', async () => {
    await clearCurrentMonth();
    const b = await signedIn();
    const token = await createToken(b);
    const meters = await withToken(token, 'GET', `/api/v1/accounts/${ACCOUNT}/meters`);
    expect(meters.statusCode).toBe(200);
    expect(meters.json().meters.map((m: { id: number }) => m.id)).toContain(cold);
    expect(meters.cookies).toEqual([]);

    const value = formatMeterReading((await previousL()) + 1_250);
    const res = await withToken(token, 'POST', `/api/v1/accounts/${ACCOUNT}/readings`, {
      readings: [{ meterId: cold, value }],
      confirmPartial: true,
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().readings[0]).toMatchObject({ meterId: cold, value, source: 'cabinet' });
    const rows = await currentRows();
    expect(rows).toHaveLength(1);
    expect(formatMeterReading(rows[0]!.value_l)).toBe(value);
    const user = await t.handle.db
      .selectFrom('users')
      .select('id')
      .where('login', '=', ACCOUNT)
      .executeTakeFirstOrThrow();
    expect(rows[0]!.submitted_by).toBe(user.id);

    const listed = textOf((await b.get('/cabinet/tokens')).body);
    expect(listed).toContain('Home gateway');
    expect(listed).not.toContain('Last used never');
  });

  it('a reload (F5) after creating makes no second token and does not show the token again', async () => {
    const b = await signedIn();
    const form = await b.get('/cabinet/tokens');
    const { page, reload } = await submitLikeABrowser(b, '/cabinet/tokens', {
      name: 'Reloaded',
      scopes: 'readings:write',
      current: DEMO_PASSWORD,
      form_key: formKeyIn(form.body),
    });
    const token = shownToken(page.body);
    expect(token).toMatch(/^vdk_pat_/);
    expect(page.headers['cache-control']).toBe('no-store');
    const again = await reload();
    expect(await tokensNamed('Reloaded')).toHaveLength(1);
    expect(again.body).not.toContain(token);
    expect(shownToken(again.body)).toBeUndefined();
    // Back and forward again: the page's address asked anew, the list without the token.
    const back = await b.get('/cabinet/tokens');
    expect(back.body).not.toContain(token);
    expect(textOf(back.body)).toContain('Reloaded');
    expect(await tokensNamed('Reloaded')).toHaveLength(1);
  });

  it('the same form sent twice (a double click, a resend from history) makes one token', async () => {
    const b = await signedIn();
    const key = formKeyIn((await b.get('/cabinet/tokens')).body);
    const form = { name: 'Sent twice', scopes: 'readings:write', current: DEMO_PASSWORD, form_key: key };
    await postForm(b, '/cabinet/tokens', form);
    // A double click: the browser drops the first answer (and the sealed token it carried).
    b.cookies.delete('token_created');
    const second = await postForm(b, '/cabinet/tokens', form);
    expect(await tokensNamed('Sent twice')).toHaveLength(1);
    expect(second.statusCode).toBe(303);
    expect(second.headers.location).toBe('/cabinet/tokens?done=duplicate');
    const page = await b.get('/cabinet/tokens?done=duplicate');
    expect(textOf(page.body)).toContain('This form was sent already, and the token was created once.');
    expect(shownToken(page.body)).toBeUndefined();
    // A new drawing of the form has a new key: the next token is made.
    const next = formKeyIn(page.body);
    expect(next).not.toBe(key);
    await postForm(b, '/cabinet/tokens', { ...form, form_key: next });
    expect(await tokensNamed('Sent twice')).toHaveLength(2);
  });

  it('the sealed token reaches only its own session, once; the server keeps no readable copy', async () => {
    const b = await signedIn();
    const key = formKeyIn((await b.get('/cabinet/tokens')).body);
    const res = await postForm(b, '/cabinet/tokens', {
      name: 'Sealed',
      scopes: 'readings:write',
      current: DEMO_PASSWORD,
      form_key: key,
    });
    const sealed = b.cookies.get('token_created');
    expect(sealed).toBeTruthy();
    const cookie = (
      res.cookies as { name: string; path?: string; httpOnly?: boolean; sameSite?: string }[]
    ).find((c) => c.name === 'token_created');
    expect(cookie).toMatchObject({ path: '/cabinet/tokens', httpOnly: true, sameSite: 'Strict' });
    // The same customer in another browser, with the cookie copied: nothing shown, the cookie cleared.
    const other = await signedIn();
    other.cookies.set('token_created', sealed!);
    const elsewhere = await other.get('/cabinet/tokens');
    expect(shownToken(elsewhere.body)).toBeUndefined();
    expect(other.cookies.has('token_created')).toBe(false);
    // Its own session sees it once; the same cookie sent again shows nothing.
    const token = shownToken((await b.get('/cabinet/tokens')).body);
    expect(token).toMatch(/^vdk_pat_/);
    expect(b.cookies.has('token_created')).toBe(false);
    b.cookies.set('token_created', sealed!);
    expect(shownToken((await b.get('/cabinet/tokens')).body)).toBeUndefined();
    const [row] = await tokensNamed('Sealed');
    expect(row?.shown_at).toBeInstanceOf(Date);
    expect(sealed).not.toContain(token!.slice(8, 20));
  });

  it('stores only the hash: no table holds the token, the page shows it once', async () => {
    const b = await signedIn();
    const token = await createToken(b, { name: 'Hash check' });
    const row = await t.handle.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('name', '=', 'Hash check')
      .executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(tokenHash(token));
    expect(row.token_hash).not.toContain(token.slice(8));
    expect(JSON.stringify(row)).not.toContain(token.slice(12));
    const audit = await t.handle.db
      .selectFrom('audit_log')
      .select(['action', 'details'])
      .where('action', '=', 'api_token.created')
      .execute();
    expect(audit.length).toBeGreaterThan(0);
    expect(JSON.stringify(audit)).not.toContain(token.slice(12));
    const again = await b.get('/cabinet/tokens');
    expect(again.body).not.toContain(token);
    expect(again.body).toContain(token.slice(0, 12));
  });

  it('refuses a revoked token with 401 and a message; revoking is audited', async () => {
    const b = await signedIn();
    const token = await createToken(b, { name: 'To revoke' });
    expect((await withToken(token, 'GET', `/api/v1/accounts/${ACCOUNT}/meters`)).statusCode).toBe(200);
    const { id } = await t.handle.db
      .selectFrom('api_tokens')
      .select('id')
      .where('token_hash', '=', tokenHash(token))
      .executeTakeFirstOrThrow();
    await b.get('/cabinet/tokens');
    const revoke = await postForm(b, `/cabinet/tokens/${id}/revoke`, {});
    expect(revoke.statusCode).toBe(303);
    expect(textOf((await b.get('/cabinet/tokens?done=revoked')).body)).toContain('The token is revoked');
    const res = await withToken(token, 'GET', `/api/v1/accounts/${ACCOUNT}/meters`);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: 'invalid_token', message: expect.stringContaining('revoked') });
    const audited = await t.handle.db
      .selectFrom('audit_log')
      .select('subject')
      .where('action', '=', 'api_token.revoked')
      .execute();
    expect(audited.map((a) => a.subject)).toContain(`api_token:${id}`);
  });

  it('refuses an expired, an unknown and a malformed token with 401', async () => {
    const b = await signedIn();
    const token = await createToken(b, { name: 'Expiring' });
    await t.handle.db
      .updateTable('api_tokens')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('token_hash', '=', tokenHash(token))
      .execute();
    const expired = await withToken(token, 'GET', `/api/v1/accounts/${ACCOUNT}/meters`);
    expect(expired.statusCode).toBe(401);
    expect(expired.json().message).toContain('expired');
    const unknown = await withToken(`vdk_pat_${'A'.repeat(43)}`, 'GET', `/api/v1/accounts/${ACCOUNT}/meters`);
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().message).toContain('no such token');
    const malformed = await withToken('abc', 'GET', `/api/v1/accounts/${ACCOUNT}/meters`, undefined, {
      'accept-language': 'ru',
    });
    expect(malformed.statusCode).toBe(401);
    expect(malformed.json().message).toContain('Токен в заголовке Authorization не распознан');
  });

  it('refuses a token without the scope with 403, and a documents token reads PDFs', async () => {
    const b = await signedIn();
    const docs = await createToken(b, { name: 'Documents only', scopes: 'documents:read' });
    const res = await withToken(docs, 'POST', `/api/v1/accounts/${ACCOUNT}/readings`, {
      readings: [{ meterId: cold, value: '1' }],
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: 'insufficient_scope' });
    expect(res.json().message).toContain('readings:write');
    const list = await withToken(docs, 'GET', `/api/v1/accounts/${ACCOUNT}/documents`);
    expect(list.statusCode).toBe(200);
    const first = list.json().invoices[0];
    expect(first.period).toMatch(/^\d{4}-\d{2}$/);
    const pdf = await withToken(docs, 'GET', first.pdf);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const statement = await withToken(
      docs,
      'GET',
      `/api/v1/accounts/${ACCOUNT}/statement?from=${first.period}&to=${first.period}`,
    );
    expect(statement.statusCode).toBe(200);
    expect(statement.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');

    const readingsOnly = await createToken(b, { name: 'Readings only' });
    expect((await withToken(readingsOnly, 'GET', first.pdf)).statusCode).toBe(403);
  });

  it('refuses a token in the query string with 400, even a valid one', async () => {
    const b = await signedIn();
    const token = await createToken(b, { name: 'In a URL' });
    for (const url of [
      `/api/v1/accounts/${ACCOUNT}/meters?access_token=${token}`,
      `/api/v1/accounts/${ACCOUNT}/readings?months=3&x=${token}`,
    ]) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(400);
      expect(res.json()).toMatchObject({ error: 'token_in_query' });
      expect(res.json().message).toContain('Authorization: Bearer');
    }
  });

  it("answers 404 for another customer's account, as with the session", async () => {
    const b = await signedIn();
    const token = await createToken(b, { name: 'Other', scopes: ['readings:write', 'documents:read'] });
    expect((await withToken(token, 'GET', `/api/v1/accounts/${OTHER}/meters`)).statusCode).toBe(404);
    expect((await withToken(token, 'GET', `/api/v1/accounts/${OTHER}/documents`)).statusCode).toBe(404);
    const post = await withToken(token, 'POST', `/api/v1/accounts/${OTHER}/readings`, {
      readings: [{ meterId: cold, value: '1' }],
      confirmPartial: true,
    });
    expect(post.statusCode).toBe(404);
  });

  it("answers every API address of another customer's account with 404 for a token of its scope, 403 for one without", async () => {
    const b = await signedIn();
    const readings = await createToken(b, { name: 'Readings', scopes: 'readings:write' });
    const documents = await createToken(b, { name: 'Documents', scopes: 'documents:read' });
    const ownPeriod = (await withToken(documents, 'GET', `/api/v1/accounts/${ACCOUNT}/documents`)).json()
      .invoices[0].period as string;
    const routes: { scope: 'readings' | 'documents'; method: 'GET' | 'POST'; path: string; body?: object }[] =
      [
        { scope: 'readings', method: 'GET', path: 'meters' },
        { scope: 'readings', method: 'GET', path: 'readings?months=3' },
        {
          scope: 'readings',
          method: 'POST',
          path: 'readings',
          body: { readings: [{ meterId: cold, value: '1' }] },
        },
        { scope: 'documents', method: 'GET', path: 'documents' },
        { scope: 'documents', method: 'GET', path: `invoices/${ownPeriod}` },
        { scope: 'documents', method: 'GET', path: `statement?from=${ownPeriod}&to=${ownPeriod}` },
      ];
    const before = await t.handle.db
      .selectFrom('readings')
      .select(t.handle.db.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    for (const route of routes) {
      const [right, wrong] = route.scope === 'readings' ? [readings, documents] : [documents, readings];
      const other = `/api/v1/accounts/${OTHER}/${route.path}`;
      const own = `/api/v1/accounts/${ACCOUNT}/${route.path}`;
      const found = await withToken(right, route.method, other, route.body);
      expect(found.statusCode, `${route.method} ${other}`).toBe(404);
      expect(found.headers['content-type'], other).toMatch(/^application\/json/);
      expect((await withToken(wrong, route.method, other, route.body)).statusCode, other).toBe(403);
      expect((await withToken(wrong, route.method, own, route.body)).statusCode, own).toBe(403);
    }
    const after = await t.handle.db
      .selectFrom('readings')
      .select(t.handle.db.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('with a cookie session, POST still needs the CSRF token; with a token and a cookie, the token alone counts', async () => {
    await clearCurrentMonth();
    const b = await signedIn();
    const cookie = [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const body = {
      readings: [{ meterId: cold, value: formatMeterReading((await previousL()) + 500) }],
      confirmPartial: true,
    };
    const noCsrf = await t.app.inject({
      method: 'POST',
      url: `/api/v1/accounts/${ACCOUNT}/readings`,
      headers: { cookie },
      payload: body,
    });
    expect(noCsrf.statusCode).toBe(403);
    expect(await currentRows()).toEqual([]);

    // The other customer's token with this customer's cookie: acts as the token's customer only.
    const other = await signedIn(OTHER);
    const otherToken = await createToken(other, { name: 'Other customer' });
    const mixed = await withToken(otherToken, 'POST', `/api/v1/accounts/${ACCOUNT}/readings`, body, {
      cookie,
    });
    expect(mixed.statusCode).toBe(404);
    // A revoked token with a valid cookie is refused, not answered as the cookie's customer.
    await t.handle.db
      .updateTable('api_tokens')
      .set({ revoked_at: new Date() })
      .where('token_hash', '=', tokenHash(otherToken))
      .execute();
    const revoked = await withToken(otherToken, 'GET', `/api/v1/accounts/${ACCOUNT}/meters`, undefined, {
      cookie,
    });
    expect(revoked.statusCode).toBe(401);
    expect(await currentRows()).toEqual([]);
  });

  it('limits failed token authentications per client address (429 with Retry-After, before any lookup); a valid token from another address is not limited', async () => {
    const b = await signedIn();
    const token = await createToken(b, { name: 'Honest gateway' });
    const url = `/api/v1/accounts/${ACCOUNT}/meters`;
    const guess = (i: number) => `vdk_pat_${String(i).padStart(43, 'G')}`;
    const codes: number[] = [];
    for (let i = 0; i < 60; i++)
      codes.push((await withToken(guess(i), 'GET', url, undefined, {}, '10.9.9.9')).statusCode);
    expect(codes.every((c) => c === 401)).toBe(true);
    const limited = await withToken(
      guess(60),
      'GET',
      url,
      undefined,
      { 'accept-language': 'ru' },
      '10.9.9.9',
    );
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(500);
    expect(limited.headers['content-type']).toMatch(/application\/json/);
    expect(limited.json()).toMatchObject({ error: 'FST_RATE_LIMITED' });
    expect(limited.json().message).toMatch(/[а-я]/);
    // A malformed header counts with them too.
    expect((await withToken('abc', 'GET', url, undefined, {}, '10.9.9.9')).statusCode).toBe(429);
    // Refused before the token is looked up: even a valid one, from that address, waits.
    expect((await withToken(token, 'GET', url, undefined, {}, '10.9.9.9')).statusCode).toBe(429);
    // The customer's valid token from another address works; its successes count no failure.
    for (let i = 0; i < 3; i++) expect((await withToken(token, 'GET', url)).statusCode).toBe(200);
    expect((await withToken(guess(61), 'GET', url, undefined, {}, '10.9.9.10')).statusCode).toBe(401);
  });

  it('limits requests per customer (429 with Retry-After): a second token of the same customer shares the budget, another customer is not limited', async () => {
    const b = await signedIn();
    const token = await createToken(b, { name: 'Busy gateway' });
    const second = await createToken(b, { name: 'Quiet gateway' });
    const other = await createToken(await signedIn(OTHER), { name: 'Neighbour gateway' });
    const codes: number[] = [];
    for (let i = 0; i < 30; i++) {
      codes.push((await withToken(token, 'GET', `/api/v1/accounts/${ACCOUNT}/meters`)).statusCode);
      codes.push((await withToken(second, 'GET', `/api/v1/accounts/${ACCOUNT}/meters`)).statusCode);
    }
    expect(codes.every((c) => c === 200)).toBe(true);
    // The 61st request of the customer, with either token, is over the limit.
    const limited = await withToken(second, 'GET', `/api/v1/accounts/${ACCOUNT}/meters`);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeTruthy();
    expect(limited.json().message).toMatch(/too many|often|try again/i);
    expect((await withToken(token, 'GET', `/api/v1/accounts/${ACCOUNT}/meters`)).statusCode).toBe(429);
    // A third token made now brings no fresh budget either.
    const third = await createToken(b, { name: 'New gateway' });
    expect((await withToken(third, 'GET', `/api/v1/accounts/${ACCOUNT}/meters`)).statusCode).toBe(429);
    expect((await withToken(other, 'GET', `/api/v1/accounts/${OTHER}/meters`)).statusCode).toBe(200);
  });

  it('keeps typed values and shows messages next to the fields in kk, ru and en; nothing is created', async () => {
    const expected = {
      kk: [
        'Токенге атау беріңіз.',
        'Кем дегенде бір рұқсатты таңдаңыз.',
        'Бұл күн өтіп кетті',
        'Қазіргі құпия сөз қате.',
      ],
      ru: [
        'Дайте токену название.',
        'Выберите хотя бы одно разрешение.',
        'Эта дата уже прошла',
        'Текущий пароль неверен.',
      ],
      en: [
        'Give the token a name.',
        'Choose at least one scope.',
        'This date has passed',
        'The current password is wrong.',
      ],
    } as const;
    const before = await t.handle.db.selectFrom('api_tokens').select('id').execute();
    for (const lang of ['kk', 'ru', 'en'] as const) {
      const b = await signedIn(ACCOUNT, lang);
      await b.get('/cabinet/tokens');
      const res = await postForm(b, '/cabinet/tokens', {
        name: ' ',
        expires: '2020-01-31',
        current: 'not-my-password',
      });
      expect(res.statusCode).toBe(422);
      const text = textOf(res.body);
      for (const message of expected[lang]) expect(text, lang).toContain(message);
      expect(res.body).toContain('value="2020-01-31"');
      const typed = await postForm(b, '/cabinet/tokens', {
        name: 'Kept name',
        scopes: 'documents:read',
        expires: '31.12.2027',
        current: DEMO_PASSWORD,
      });
      expect(typed.statusCode).toBe(422);
      expect(typed.body).toContain('value="Kept name"');
      expect(typed.body).toMatch(/value="documents:read" checked/);
    }
    expect(await t.handle.db.selectFrom('api_tokens').select('id').execute()).toEqual(before);
  });

  it('opens no API route that names no scope: requireCustomer alone refuses a token (403)', async () => {
    const b = await signedIn();
    const token = await createToken(b, { name: 'All scopes', scopes: ['readings:write', 'documents:read'] });
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
    const app = await buildApp({ db: t.handle.db, config, engine: t.handle.engine });
    app.get('/api/v1/unscoped', { preHandler: requireCustomer }, async () => ({ ok: true }));
    await app.ready();
    try {
      const cookie = [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      expect(
        (await app.inject({ method: 'GET', url: '/api/v1/unscoped', headers: { cookie } })).statusCode,
      ).toBe(200);
      const res = await app.inject({
        method: 'GET',
        url: '/api/v1/unscoped',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.statusCode).toBe(403);
      expect(res.json().error).toBe('insufficient_scope');
    } finally {
      await app.close();
    }
  });

  it('is described in OpenAPI: the bearer scheme, the scopes, a curl example', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/docs/openapi.json' })).json();
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.securitySchemes.bearer.description).toContain('documents:read');
    expect(doc.info.description).toContain('curl -X POST');
    expect(doc.info.description).toContain('Authorization: Bearer');
    const post = doc.paths['/api/v1/accounts/{account}/readings'].post;
    expect(post.security).toEqual(expect.arrayContaining([{ bearer: [] }]));
    expect(post['x-token-scope']).toBe('readings:write');
    expect(doc.paths['/api/v1/accounts/{account}/invoices/{period}'].get['x-token-scope']).toBe(
      'documents:read',
    );
  });
});
