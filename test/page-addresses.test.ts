import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registeredRoutes } from '../src/web/input-guard';
import { Browser, type TestApp, testApp, textOf } from './helpers/app';
import { confirmedCustomer } from './helpers/customers';
import { demoDatabase } from './helpers/db';

let t: TestApp;
let login: string;
const PASSWORD = 'Correct-Horse-42';

beforeAll(async () => {
  t = await testApp(await demoDatabase({ accounts: 5, months: 1 }));
  ({ login } = await confirmedCustomer(t.handle.db, { password: PASSWORD, email: 'pages@example.kz' }));
});
afterAll(() => t.close());

/** POST routes that always answer with a redirect (post/redirect/get), so no page sits at their address. */
const REDIRECT_ONLY = [
  '/logout',
  '/backoffice/accounts/:number/users/:userId/:op',
  '/backoffice/readings/:id',
  '/backoffice/questions/:id/answer',
  '/backoffice/questions/:id/publish',
  '/cabinet/invoice/email',
  '/cabinet/invoice/subscription',
  '/cabinet/settlement/email',
  // The header switcher and the removal of an account answer with a redirect (a wrong number: 404).
  '/cabinet/account',
  '/cabinet/accounts/remove',
];

/** The href of the language link to `locale` on a page. */
function langLink(html: string, locale: string): string {
  const m = new RegExp(`href="(/lang/${locale}\\?next=[^"]*)"`).exec(html);
  if (!m?.[1]) throw new Error(`no link to ${locale}`);
  return m[1].replace(/&amp;/g, '&');
}

describe('every page a form lands on survives reload and language switch', () => {
  it('every POST route that answers with a page has a GET route at the same address', () => {
    const routes = registeredRoutes(t.app);
    const gets = new Set(routes.filter((r) => r.method === 'GET').map((r) => r.url));
    // The JSON API (/api/) answers no pages.
    const withoutGet = routes
      .filter((r) => r.method === 'POST' && !gets.has(r.url) && !r.url.startsWith('/api/'))
      .map((r) => r.url);
    expect(withoutGet.sort()).toEqual([...REDIRECT_ONLY].sort());
    for (const path of ['/login', '/register/resend', '/backoffice/rates/tariff', '/backoffice/exchange/run'])
      expect(gets.has(path), path).toBe(true);
  });

  it('after a wrong password, reloading and switching language show the login page, keeping next', async () => {
    const b = new Browser(t.app);
    await b.get('/?next=%2Fcabinet%2Freadings');
    const failed = await b.post('/login', { login, password: 'wrong-password-1', next: '/cabinet/readings' });
    expect(failed.statusCode).toBe(401);

    const reload = await b.get('/login?next=%2Fcabinet%2Freadings');
    expect(reload.statusCode).toBe(200);
    expect(reload.body).toContain('name="next" value="/cabinet/readings"');

    const toEnglish = await b.get(langLink(failed.body, 'en'));
    expect(toEnglish.statusCode).toBe(303);
    expect(toEnglish.headers.location).toBe('/login?next=%2Fcabinet%2Freadings');
    const english = await b.get(String(toEnglish.headers.location));
    expect(english.statusCode).toBe(200);
    expect(textOf(english.body)).toContain('Log in');
    expect(english.body).toContain('name="next" value="/cabinet/readings"');

    // The form still works from there and lands where next says.
    const ok = await b.post('/login', { login, password: PASSWORD, next: '/cabinet/readings' });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/cabinet/readings');
    expect((await b.get('/login')).headers.location).toBe('/cabinet');
  });

  it('the resend answer and the back-office form answers have an address that is not a 404', async () => {
    const b = new Browser(t.app);
    await b.get(`/register/unconfirmed?login=${login}`);
    const resent = await b.post('/register/resend', { login });
    expect(resent.statusCode).toBe(200);
    const back = await b.get(langLink(resent.body, 'ru'));
    expect(back.headers.location).toBe(`/register/unconfirmed?login=${login}`);
    expect((await b.get(String(back.headers.location))).statusCode).toBe(200);
    const reload = await b.get(`/register/resend?login=${login}`);
    expect(reload.statusCode).toBe(303);
    expect(reload.headers.location).toBe(`/register/unconfirmed?login=${login}`);
  });

  it('the language links of a page answering a form keep its address and what the form needs', async () => {
    const b = new Browser(t.app);
    await b.get('/password/change?login=12345678&word=abc');
    const refused = await b.post('/password/change', {
      login: '12345678',
      word: 'abc',
      binIin: '',
      account: '',
      password: '',
      repeat: '',
    });
    expect(refused.statusCode).toBe(400);
    const back = await b.get(langLink(refused.body, 'en'));
    expect(back.headers.location).toBe('/password/change?login=12345678&word=abc');
    const form = await b.get(String(back.headers.location));
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('value="12345678"');

    const c = new Browser(t.app);
    expect((await c.login(login, PASSWORD)).statusCode).toBe(303);
    await c.get(`/cabinet/readings?account=${login}`);
    const answered = await c.post(`/cabinet/readings?account=${login}`, {});
    expect(answered.statusCode).not.toBe(404);
    const again = await c.get(langLink(answered.body, 'kk'));
    expect(again.headers.location).toBe(`/cabinet/readings?account=${login}`);
    expect((await c.get(String(again.headers.location))).statusCode).toBe(200);
  });

  it('the language links of a GET page keep its query', async () => {
    const b = new Browser(t.app);
    const page = await b.get('/password/change?login=12345678');
    expect(langLink(page.body, 'en')).toBe('/lang/en?next=%2Fpassword%2Fchange%3Flogin%3D12345678');
  });
});

describe('the language of a first visit', () => {
  it('is Kazakh unless Accept-Language prefers Russian or English; the cookie wins', async () => {
    const langOf = async (acceptLanguage: string, cookie?: string) => {
      const res = await t.app.inject({
        method: 'GET',
        url: '/',
        headers: { 'accept-language': acceptLanguage, ...(cookie ? { cookie } : {}) },
      });
      return /<html lang="(\w+)"/.exec(res.body)?.[1];
    };
    expect(await langOf('en;q=0.1, kk')).toBe('kk');
    expect(await langOf('de-DE, fr;q=0.8')).toBe('kk');
    expect(await langOf('ru-RU,ru;q=0.9,en;q=0.8')).toBe('ru');
    expect(await langOf('kk;q=0.5, en-GB')).toBe('en');
    expect(await langOf('en-US', 'lang=kk')).toBe('kk');
  });
});
