import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../src/auth/login.routes';
import { currentTotp } from '../src/backoffice/totp';
import { DEMO_PASSWORD } from '../src/demo/demo-catalogue';
import { registeredRoutes } from '../src/web/input-guard';
import { Browser, type TestApp, testApp, textOf } from './helpers/app';
import { demoDatabase } from './helpers/db';

const ENGINE = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
let t: TestApp;

beforeAll(async () => {
  t = await testApp(await demoDatabase());
});
afterAll(async () => t?.close());

function cookieOf(b: Browser): string {
  return [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
}

/** Sends a request with the browser's cookies and a body written as is (malformed encodings included). */
async function raw(
  b: Browser,
  method: string,
  url: string,
  body?: { text: string; type: string },
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method: method as 'GET',
    url,
    headers: {
      cookie: cookieOf(b),
      ...(body ? { 'content-type': body.type } : {}),
      ...headers,
    },
    ...(body ? { payload: body.text } : {}),
  });
}

async function customer(lang: 'kk' | 'ru' | 'en' = 'en'): Promise<Browser> {
  const b = new Browser(t.app);
  expect((await b.login('02015213', DEMO_PASSWORD)).statusCode).toBe(303);
  await b.get(`/lang/${lang}?next=/cabinet`);
  await b.get('/cabinet');
  return b;
}

async function operator(): Promise<Browser> {
  const b = new Browser(t.app);
  expect((await b.login('operator', DEMO_PASSWORD)).statusCode).toBe(303);
  await b.get('/lang/en?next=/backoffice');
  await b.get('/backoffice');
  return b;
}

/** The administrator, with the session confirmed by a TOTP code (enrolling the authenticator first if needed). */
async function admin(): Promise<Browser> {
  const b = new Browser(t.app);
  expect((await b.login('admin', DEMO_PASSWORD)).statusCode).toBe(303);
  await b.get('/lang/en?next=/backoffice');
  let secret = (
    await t.handle.db
      .selectFrom('users')
      .select('totp_secret')
      .where('login', '=', 'admin')
      .executeTakeFirstOrThrow()
  ).totp_secret;
  const page = await b.get('/backoffice/2fa');
  secret ??= /id="totp-secret">([A-Z2-7]+)</.exec(page.body)?.[1] ?? '';
  expect((await b.post('/backoffice/2fa', { code: currentTotp(secret) })).statusCode).toBe(303);
  expect((await b.get('/backoffice')).statusCode).toBe(200);
  return b;
}

/** Where a browser goes with this Location header, from http://localhost:3000/. */
function destination(res: LightMyRequestResponse): string {
  return new URL(String(res.headers.location), 'http://localhost:3000/').host;
}

/** Redirect targets that browsers (WHATWG URL) would take off-site if sent back as they came. */
const OFF_SITE = [
  '/\t/evil.example',
  '/\n/evil.example',
  '/\r\n/evil.example',
  '/%09/evil.example',
  '/\\evil.example',
  '/\\/evil.example',
  '/%5cevil.example',
  '/%5c/evil.example',
  '//evil.example',
  '///evil.example',
  '/\u200b/evil.example',
  '/\ufeff/evil.example',
  '/\u2028/evil.example',
  'https://evil.example',
  'http:evil.example',
  '\t//evil.example',
  ' //evil.example',
  '/.//evil.example',
  '/%2e//evil.example',
  '/..//evil.example',
  '/a/..//evil.example',
  '/./\\evil.example',
  'javascript:alert(1)',
  '/\u0000/evil.example',
];

describe(`redirect targets stay on this site (${ENGINE})`, () => {
  it('/lang/:locale?next= answers a Location on this site for every cousin of //evil', async () => {
    const b = new Browser(t.app);
    for (const next of OFF_SITE) {
      const res = await raw(b, 'GET', `/lang/en?next=${encodeURIComponent(next)}`);
      expect(res.statusCode, JSON.stringify(next)).toBeLessThan(500);
      if (res.statusCode === 303) expect(destination(res), JSON.stringify(next)).toBe('localhost:3000');
    }
    // A path of this site is kept, normalised.
    const ok = await raw(b, 'GET', `/lang/en?next=${encodeURIComponent('/cabinet/readings?x=1')}`);
    expect(ok.headers.location).toBe('/cabinet/readings?x=1');
  });

  it("the login form's next: the page keeps only a path of this site, and the login goes nowhere else", async () => {
    for (const next of OFF_SITE) {
      const b = new Browser(t.app);
      const page = await raw(b, 'GET', `/?next=${encodeURIComponent(next)}`);
      expect(page.statusCode, JSON.stringify(next)).toBeLessThan(500);
      await b.get('/');
      const form = `_csrf=${encodeURIComponent(b.csrf)}&login=02015213&password=${encodeURIComponent(DEMO_PASSWORD)}&next=${encodeURIComponent(next)}`;
      const res = await raw(b, 'POST', '/login', { text: form, type: 'application/x-www-form-urlencoded' });
      expect(res.statusCode, JSON.stringify(next)).toBeLessThan(500);
      if (res.statusCode === 303) expect(destination(res), JSON.stringify(next)).toBe('localhost:3000');
    }
    const b = new Browser(t.app);
    await b.get('/?next=%2Fcabinet%2Freadings');
    expect(
      (await b.post('/login', { login: '02015213', password: DEMO_PASSWORD, next: '/cabinet/readings' }))
        .headers.location,
    ).toBe('/cabinet/readings');
  });

  it('back= of the invoice and settlement forms', async () => {
    const b = await customer();
    for (const next of OFF_SITE) {
      for (const [url, extra] of [
        ['/cabinet/invoice/subscription', 'subscribe=0'],
        ['/cabinet/invoice/email', 'period=2026-10'],
        ['/cabinet/settlement/email', 'from=2026-01&to=2026-10'],
      ] as const) {
        const form = `_csrf=${encodeURIComponent(b.csrf)}&${extra}&back=${encodeURIComponent(next)}`;
        const res = await raw(b, 'POST', url, { text: form, type: 'application/x-www-form-urlencoded' });
        expect(res.statusCode, `${url} ${JSON.stringify(next)}`).toBeLessThan(500);
        if (res.statusCode === 303)
          expect(destination(res), `${url} ${JSON.stringify(next)}`).toBe('localhost:3000');
      }
    }
  });

  it("the back office's 2fa next: the form keeps only a path of this site, and the code goes nowhere else", async () => {
    await admin();
    const secret = (
      await t.handle.db
        .selectFrom('users')
        .select('totp_secret')
        .where('login', '=', 'admin')
        .executeTakeFirstOrThrow()
    ).totp_secret!;
    for (const next of OFF_SITE) {
      await t.handle.db.deleteFrom('rate_limits').execute();
      // Each round signs in again with the current code; a code opens one session only, so the
      // administrator's last accepted step is forgotten between rounds (this test is about `next`).
      await t.handle.db
        .updateTable('users')
        .set({ totp_last_step: null, totp_failed: 0, totp_locked_until: null })
        .where('login', '=', 'admin')
        .execute();
      const b = new Browser(t.app);
      expect((await b.login('admin', DEMO_PASSWORD)).statusCode).toBe(303);
      const page = await raw(b, 'GET', `/backoffice/2fa?next=${encodeURIComponent(next)}`);
      // A NUL is refused before the page (the central guard).
      if (next.includes('\u0000')) {
        expect(page.statusCode).toBe(400);
        continue;
      }
      expect(page.statusCode, JSON.stringify(next)).toBe(200);
      const kept = decodeEntities(/name="next" value="([^"]*)"/.exec(page.body)?.[1] ?? '/');
      expect(new URL(kept, 'http://localhost:3000/').host, JSON.stringify(next)).toBe('localhost:3000');
      await b.get('/backoffice/2fa');
      const form = `_csrf=${encodeURIComponent(b.csrf)}&code=${currentTotp(secret)}&next=${encodeURIComponent(next)}`;
      const res = await raw(b, 'POST', '/backoffice/2fa', {
        text: form,
        type: 'application/x-www-form-urlencoded',
      });
      expect(res.statusCode, JSON.stringify(next)).toBe(303);
      expect(destination(res), JSON.stringify(next)).toBe('localhost:3000');
    }
  });
});

describe(`one central defence (${ENGINE})`, () => {
  it("a NUL or control character in a form field is answered 400 in the user's language, with nothing stored", async () => {
    const b = await customer('ru');
    const before = await t.handle.db.selectFrom('questions').select('id').execute();
    await b.get('/ask');
    const res = await b.post('/ask', { name: 'Иван\u0000', email: 'ivan@example.kz', body: 'Вопрос' });
    expect(res.statusCode).toBe(400);
    expect(textOf(res.body)).toContain('В отправленных данных есть управляющие символы');
    expect(await t.handle.db.selectFrom('questions').select('id').execute()).toHaveLength(before.length);
    const query = await b.get('/cabinet/readings/history?from=%00');
    expect(query.statusCode).toBe(400);
    expect(textOf(query.body)).toContain('В отправленных данных есть управляющие символы');
    // Tabs and line breaks are ordinary text.
    const text = await b.post('/ask', {
      name: 'Иван',
      email: 'ivan@example.kz',
      body: 'Строка 1\r\n\tСтрока 2',
    });
    expect(text.statusCode).toBeLessThan(400);
  });

  it('a form of tens of thousands of fields is refused before any route reads it (413), on the single and the bulk readings form', async () => {
    const b = await customer('en');
    await b.get('/cabinet/readings');
    const fields: Record<string, string> = {};
    for (let i = 1; i <= 60_000; i++) fields[`m_${i}`] = '1';
    for (const url of ['/cabinet/readings', '/cabinet/premises/readings']) {
      const before = await t.handle.db.selectFrom('readings').select('id').execute();
      const res = await b.post(url, { key: 'k'.repeat(22), ...fields });
      expect(res.statusCode, url).toBe(413);
      expect(await t.handle.db.selectFrom('readings').select('id').execute()).toHaveLength(before.length);
    }
  });

  it('the API answers JSON 400 for a NUL in a JSON string and for a meter id beyond its column', async () => {
    const b = await customer('en');
    await b.get('/api/v1/accounts/02015213/meters');
    const csrf = (await raw(b, 'GET', '/api/v1/accounts/02015213/meters')).headers['x-csrf-token'] as string;
    for (const text of [
      '{"readings":[{"meterId":1,"value":"1\\u0000"}]}',
      '{"readings":[{"meterId":99999999999999999999,"value":"1"}]}',
      '{"readings":[{"meterId":1e309,"value":"1"}]}',
      '{"readings":[{"meterId":1,"value":"1"}],"idempotencyKey":"\\ud800\\udfff\\ud800abcdefgh"}',
      '{"readings":[{"meterId":1,"value":"1"}',
    ]) {
      const res = await raw(
        b,
        'POST',
        '/api/v1/accounts/02015213/readings',
        { text, type: 'application/json' },
        { 'x-csrf-token': csrf },
      );
      expect(res.statusCode, text).toBe(400);
      expect(res.json().message, text).toBeTruthy();
    }
  });

  it('malformed %-encoding and invalid UTF-8 in the path itself are answered 4xx', async () => {
    const b = await customer('en');
    for (const url of [
      '/%zz',
      '/cabinet/%',
      '/cabinet/%FF',
      '/cabinet%00',
      '/%E0%A4%A',
      '/cabinet/readings%C3%28',
      '/static/%2e%2e/%2e%2e/package.json',
      '/static/..%2f..%2fpackage.json',
    ]) {
      const res = await raw(b, 'GET', url);
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, url).toBeLessThan(500);
    }
  });

  it("an address the router cannot read (a malformed %-encoding, a path parameter too long) is answered in the user's language, without echoing it", async () => {
    const b = await customer('ru');
    const page = await raw(b, 'GET', '/cabinet/readings/%zz', undefined, { 'accept-language': 'ru-RU' });
    expect(page.statusCode).toBe(400);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(textOf(page.body)).toContain('Запрос не удалось прочитать');
    expect(page.body).toContain(String(page.headers['x-request-id']));
    const long = `/api/v1/accounts/${'9'.repeat(5000)}/meters`;
    const api = await raw(b, 'GET', long, undefined, { cookie: '', 'accept-language': 'kk' });
    expect(api.statusCode).toBe(414);
    expect(api.json()).toMatchObject({
      error: 'FST_ERR_MAX_PARAM_LENGTH',
      message: expect.stringContaining('Сұрау оқылмады'),
    });
    expect(api.body).not.toContain('9'.repeat(200));
    // The language cookie wins over the browser's, as on every page.
    const en = await raw(b, 'GET', '/%zz', undefined, { cookie: 'lang=en', 'accept-language': 'ru' });
    expect(textOf(en.body)).toContain('The request could not be read');
  });
});

// --- The fuzz: every route the app registers, every field, hostile values. ---

/** Values that must never cost a 500, written as they go on the wire (already percent-encoded). */
const HOSTILE_WIRE = [
  '%00',
  'a%00b',
  '%01%1F%7F',
  '%0B%0C',
  'x'.repeat(10_000),
  '1e309',
  '-1e309',
  '99999999999999999999999999',
  '2147483648',
  '-2147483649',
  '9223372036854775808',
  'NaN',
  '-0',
  '0x1F',
  '%',
  '%zz',
  '%E0%A4%A',
  '%FF%FE',
  '%C3%28',
  '%ED%A0%80',
  '%E2%80%8B',
  '%EF%BB%BF',
  '9999-99',
  '2026-13',
  '0000-00-00',
  '..%2F..%2Fetc%2Fpasswd',
  '%3Cscript%3E',
];

/** Path parameter values (a path segment: no slash). */
const HOSTILE_PATH = [
  '%00',
  '1e309',
  '99999999999999999999999999',
  '2147483648',
  '-1',
  '%FF',
  '%zz',
  '%E2%80%8B',
  'x'.repeat(3000),
];

const SAMPLE_PARAMS: Record<string, string> = {
  locale: 'en',
  id: '1',
  number: '02015213',
  account: '02015213',
  userId: '1',
  op: 'unlock',
  '*': 'app.css',
};

/** Query names pages read (and a few they might). */
const QUERY_NAMES = [
  'next',
  'back',
  'period',
  'from',
  'to',
  'months',
  'account',
  'q',
  'page',
  'status',
  'action',
  'actor',
  'done',
  'err',
  'token',
  'download',
  'street',
  'house',
  'id',
  'kind',
  'year',
  'month',
];

interface Form {
  /** The route pattern the form posts to. */
  method: 'GET' | 'POST';
  route: string;
  defaults: [name: string, value: string][];
}

function routePattern(route: string): RegExp {
  const body = route
    .split('/')
    .map((seg) =>
      seg.startsWith(':') ? '[^/]+' : seg === '*' ? '.*' : seg.replace(/[.?+^$()[\]{}|\\]/g, '\\$&'),
    )
    .join('/');
  return new RegExp(`^${body}$`);
}

function decodeEntities(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The forms of a page: where they go and their fields with the values they come with. */
function formsOf(html: string, routes: string[]): Form[] {
  const forms: Form[] = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const attrs = m[1] ?? '';
    const action = decodeEntities(/action="([^"]*)"/.exec(attrs)?.[1] ?? '').split('?')[0]!;
    const method = /method="post"/i.test(attrs) ? 'POST' : 'GET';
    const route = routes.find((r) => routePattern(r).test(action));
    if (!route) continue;
    const defaults: [string, string][] = [];
    for (const f of (m[2] ?? '').matchAll(/<(input|select|textarea)\b([^>]*)>/g)) {
      const a = f[2] ?? '';
      const name = /name="([^"]+)"/.exec(a)?.[1];
      if (!name || name === '_csrf') continue;
      const value = /value="([^"]*)"/.exec(a)?.[1] ?? '';
      if (/type="(checkbox|radio)"/.test(a) && defaults.some(([n]) => n === name)) continue;
      defaults.push([decodeEntities(name), decodeEntities(value)]);
    }
    forms.push({ method, route, defaults });
  }
  return forms;
}

function fillPath(route: string, override?: [name: string, value: string]): string {
  return route
    .split('/')
    .map((seg) => {
      const name = seg.startsWith(':') ? seg.slice(1) : seg === '*' ? '*' : null;
      if (name === null) return seg;
      return override?.[0] === name ? override[1] : (SAMPLE_PARAMS[name] ?? '1');
    })
    .join('/');
}

function encodeForm(pairs: [string, string][]): string {
  return pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}

describe(`hostile input on every route (${ENGINE})`, () => {
  it('no request with NUL, control characters, over-long fields, 1e309, huge integers, malformed %-encoding or invalid UTF-8 gets a 5xx', async () => {
    const all = registeredRoutes(t.app).filter((r) => r.method === 'GET' || r.method === 'POST');
    expect(all.length).toBeGreaterThan(50);
    const patterns = [...new Set(all.map((r) => r.url))];
    const failures: string[] = [];
    let requests = 0;

    const check = (res: LightMyRequestResponse, what: string) => {
      requests++;
      // /health/ready answers 503 by design here: the test app runs no job queue (test/health.test.ts).
      const readiness = res.statusCode === 503 && what.includes(' /health/ready');
      if (res.statusCode >= 500 && !readiness) failures.push(`${res.statusCode} ${what.slice(0, 300)}`);
    };

    type Role = { name: string; browser: () => Promise<Browser>; routes: (url: string) => boolean };
    const backoffice = (url: string) => url.startsWith('/backoffice');
    const roles: Role[] = [
      { name: 'anonymous', browser: async () => new Browser(t.app), routes: () => true },
      { name: 'customer', browser: () => customer(), routes: (u) => !backoffice(u) },
      { name: 'operator', browser: operator, routes: backoffice },
      { name: 'admin', browser: admin, routes: backoffice },
    ];
    // Routes that end the session or count failed codes go last, so the rest runs signed in.
    const last = (url: string) => ['/logout', '/backoffice/2fa', '/login'].includes(url);

    for (const role of roles) {
      await t.handle.db.deleteFrom('rate_limits').execute();
      let b = await role.browser();
      const mine = all
        .filter((r) => role.routes(r.url))
        .sort((x, y) => Number(last(x.url)) - Number(last(y.url)));

      // The forms this role's pages show, by the route they go to.
      const forms = new Map<string, Form[]>();
      for (const r of mine.filter((r) => r.method === 'GET')) {
        const res = await b.get(fillPath(r.url));
        check(res, `${role.name} GET ${fillPath(r.url)}`);
        if (!String(res.headers['content-type']).startsWith('text/html')) continue;
        for (const f of formsOf(res.body, patterns)) {
          const key = `${f.method} ${f.route}`;
          forms.set(key, [...(forms.get(key) ?? []), f]);
        }
      }
      const names = new Set<string>();
      for (const list of forms.values()) for (const f of list) for (const [n] of f.defaults) names.add(n);
      await b.get(role.name === 'customer' ? '/cabinet' : role.name === 'anonymous' ? '/' : '/backoffice');
      const csrf = b.csrf;

      for (const r of mine) {
        if (role.name !== 'anonymous' && last(r.url) && r.url !== '/backoffice/2fa') continue;
        const isPost = r.method === 'POST';
        // Rate limits would answer 429 before the input is read: each route starts with fresh counters.
        await t.handle.db.deleteFrom('rate_limits').execute();
        // The session may have ended (a logout among the forms): sign in again.
        if (role.name !== 'anonymous' && !b.cookies.has(SESSION_COOKIE)) b = await role.browser();
        const own = forms.get(`${r.method} ${r.url}`) ?? [];
        const send = async (path: string, pairs: string, label: string) => {
          const res = isPost
            ? await raw(b, 'POST', path, {
                text: `_csrf=${encodeURIComponent(csrf)}${pairs ? `&${pairs}` : ''}`,
                type: 'application/x-www-form-urlencoded',
              })
            : await raw(b, 'GET', `${path}${pairs ? `?${pairs}` : ''}`);
          check(res, `${role.name} ${r.method} ${path} ${label}`);
        };

        // Path parameters, one at a time.
        for (const param of r.url.split('/').filter((s) => s.startsWith(':') || s === '*')) {
          const name = param === '*' ? '*' : param.slice(1);
          for (const v of HOSTILE_PATH)
            await send(fillPath(r.url, [name, v]), '', `${name}=${v.slice(0, 40)}`);
        }
        const path = fillPath(r.url);
        const fieldNames = isPost ? [...names, ...QUERY_NAMES] : [...new Set([...QUERY_NAMES, ...names])];
        for (const v of HOSTILE_WIRE) {
          // Every known name at once, and each name twice (an array where a string is expected).
          await send(
            path,
            fieldNames.map((n) => `${encodeURIComponent(n)}=${v}`).join('&'),
            `all=${v.slice(0, 40)}`,
          );
          await send(
            path,
            fieldNames.map((n) => `${encodeURIComponent(n)}=1&${encodeURIComponent(n)}=${v}`).join('&'),
            `twice=${v.slice(0, 40)}`,
          );
          // Each field of the route's own forms, the others as the form comes.
          for (const form of own) {
            for (const [name] of form.defaults) {
              const pairs = [
                encodeForm(form.defaults.filter(([n]) => n !== name)),
                `${encodeURIComponent(name)}=${v}`,
              ]
                .filter(Boolean)
                .join('&');
              await send(path, pairs, `${name}=${v.slice(0, 40)}`);
            }
          }
        }
        // The session may have ended (a logout form among them): sign in again.
      }
      // The JSON API: every string and number of its body.
      if (role.name === 'customer') {
        await t.handle.db.deleteFrom('rate_limits').execute();
        const csrfApi = (await raw(b, 'GET', '/api/v1/accounts/02015213/meters')).headers[
          'x-csrf-token'
        ] as string;
        for (const v of [
          '"\\u0000"',
          '"\\u0001"',
          '1e309',
          '-1e309',
          '99999999999999999999',
          '"\\ud800"',
          `"${'9'.repeat(5000)}"`,
          'null',
          '[]',
          '{}',
        ]) {
          for (const text of [
            `{"readings":[{"meterId":${v},"value":"1"}]}`,
            `{"readings":[{"meterId":1,"value":${v}}]}`,
            `{"readings":[{"meterId":1,"value":"1"}],"idempotencyKey":${v}}`,
            `{"readings":[{"meterId":1,"value":"1"}],"confirmPartial":${v}}`,
            `{"readings":${v}}`,
          ]) {
            const res = await raw(
              b,
              'POST',
              '/api/v1/accounts/02015213/readings',
              { text, type: 'application/json' },
              { 'x-csrf-token': csrfApi },
            );
            check(res, `customer API ${text.slice(0, 100)}`);
          }
        }
      }
    }
    expect(requests).toBeGreaterThan(1000);
    expect(failures).toEqual([]);
  }, 600_000);
});
