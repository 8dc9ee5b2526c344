import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityText } from '../src/auth/identity.messages';
import { monthStart, periodOf } from '../src/calendar/calendar';
import { DEMO_PASSWORD } from '../src/demo/demo-catalogue';
import { formatMeterReading } from '../src/money/litres';
import { readingsText } from '../src/readings/readings.messages';
import { meterStates } from '../src/readings/readings.queries';
import { Browser, type TestApp, testApp, textOf } from './helpers/app';
import { demoDatabase } from './helpers/db';

const ENGINE = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const period = monthStart(periodOf(new Date()));
const LOCALES = ['kk', 'ru', 'en'] as const;
let t: TestApp;
let cold: number;
let hot: number;

async function meterId(serial: string): Promise<number> {
  return (
    await t.handle.db.selectFrom('meters').select('id').where('serial', '=', serial).executeTakeFirstOrThrow()
  ).id;
}

/** The value of the form's input named `name`, as the page fills it in. */
function inputValue(html: string, name: string): string | undefined {
  const tag = new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(html)?.[0];
  return tag ? (/value="([^"]*)"/.exec(tag)?.[1] ?? '') : undefined;
}

const currentRows = () =>
  t.handle.db
    .selectFrom('readings')
    .select('id')
    .where('meter_id', 'in', [cold, hot])
    .where('period', '=', period)
    .execute();

const drafts = () => t.handle.db.selectFrom('reading_drafts').selectAll().execute();

/** Signed in as 02015213 in `lang`, on the readings page (its form's token remembered). */
async function onReadingsPage(lang: (typeof LOCALES)[number], login = '02015213') {
  const b = new Browser(t.app);
  expect((await b.login(login, DEMO_PASSWORD)).statusCode).toBe(303);
  await b.get(`/lang/${lang}?next=/cabinet`);
  const page = await b.get('/cabinet/readings');
  expect(page.statusCode).toBe(200);
  return b;
}

/** The server ends every session of the user (idle timeout reached). */
async function expireSessions(login = '02015213') {
  const user = await t.handle.db
    .selectFrom('users')
    .select('id')
    .where('login', '=', login)
    .executeTakeFirstOrThrow();
  await t.handle.db
    .updateTable('sessions')
    .set({ expires_at: new Date(Date.now() - 1000) })
    .where('user_id', '=', user.id)
    .execute();
}

/** Follows the redirect to the login page and logs in there (its `next` kept), as a browser would. */
async function logInFrom(b: Browser, location: string, login = '02015213') {
  const page = await b.get(location);
  expect(page.statusCode).toBe(200);
  const next = /name="next" value="([^"]*)"/.exec(page.body)?.[1]?.replace(/&amp;/g, '&');
  const res = await b.post('/login', { login, password: DEMO_PASSWORD, ...(next ? { next } : {}) });
  expect(res.statusCode).toBe(303);
  return { page, next: res.headers.location as string };
}

beforeAll(async () => {
  t = await testApp(await demoDatabase());
  cold = await meterId('31883369');
  hot = await meterId('31883423');
});
afterAll(async () => t?.close());

describe(`readings typed when the session expired (${ENGINE})`, () => {
  it('says the session expired, keeps the values through the login, fills them in, sends nothing (kk, ru, en)', async () => {
    const account = await t.handle.db
      .selectFrom('accounts')
      .select('id')
      .where('number', '=', '02015213')
      .executeTakeFirstOrThrow();
    for (const lang of LOCALES) {
      await t.handle.db.deleteFrom('readings').where('period', '=', period).execute();
      const states = await meterStates(t.handle.db, account.id, period);
      const prev = (id: number) => states.find((m) => m.id === id)!.prevValueL!;
      // Typed as a customer would: a comma, and a value without leading zeros.
      const coldTyped = formatMeterReading(prev(cold) + 1_456)
        .replace(/^0+/, '')
        .replace('.', ',');
      const hotTyped = formatMeterReading(prev(hot) + 500).replace(/^0+/, '');
      const b = await onReadingsPage(lang);
      await expireSessions();
      const sent = await b.post('/cabinet/readings', {
        key: 'expired-form-key-1',
        [`m_${cold}`]: coldTyped,
        [`m_${hot}`]: hotTyped,
      });
      expect(sent.statusCode).toBe(303);
      expect(sent.headers.location).toBe('/?expired=readings&next=%2Fcabinet%2Freadings');
      expect(b.cookies.get('readings_draft')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
      expect(await currentRows()).toEqual([]);
      const stored = await drafts();
      expect(stored.map((d) => d.typed)).toEqual([{ [cold]: coldTyped, [hot]: hotTyped }]);

      const { page, next } = await logInFrom(b, sent.headers.location as string);
      expect(textOf(page.body)).toContain(identityText[lang].login.sessionExpiredReadings);
      expect(next).toBe('/cabinet/readings');
      const form = await b.get(next);
      expect(form.statusCode).toBe(200);
      expect(inputValue(form.body, `m_${cold}`)).toBe(coldTyped);
      expect(inputValue(form.body, `m_${hot}`)).toBe(hotTyped);
      expect(textOf(form.body)).toContain(readingsText[lang].draftRestored);
      // Only filled in: no reading stored, and the draft is gone once used.
      expect(await currentRows()).toEqual([]);
      expect(await drafts()).toEqual([]);
      const again = await b.get('/cabinet/readings');
      expect(inputValue(again.body, `m_${cold}`)).toBe('');
      expect(textOf(again.body)).not.toContain(readingsText[lang].draftRestored);
      // The values filled in submit as any others.
      const submitted = await b.post('/cabinet/readings', {
        key: /name="key" value="([^"]+)"/.exec(form.body)![1]!,
        [`m_${cold}`]: inputValue(form.body, `m_${cold}`)!,
        [`m_${hot}`]: inputValue(form.body, `m_${hot}`)!,
      });
      expect(submitted.statusCode).toBe(303);
      expect(await currentRows()).toHaveLength(2);
    }
  });

  it('says the session expired in every language also when nothing was typed, and the texts differ per language', async () => {
    for (const lang of LOCALES) {
      const b = await onReadingsPage(lang);
      await expireSessions();
      const sent = await b.post('/cabinet/readings', { key: 'expired-form-key-2', [`m_${cold}`]: '' });
      expect(sent.headers.location).toBe('/?expired=1&next=%2Fcabinet%2Freadings');
      expect(textOf((await b.get(sent.headers.location as string)).body)).toContain(
        identityText[lang].login.sessionExpired,
      );
    }
    const texts = LOCALES.flatMap((l) => [
      identityText[l].login.sessionExpired,
      identityText[l].login.sessionExpiredReadings,
      readingsText[l].draftRestored,
    ]);
    expect(new Set(texts).size).toBe(9);
    expect(await drafts()).toEqual([]);
  });

  it('a draft fills in only the account it was typed for: another customer logging in on that browser sees nothing', async () => {
    const b = await onReadingsPage('en');
    await expireSessions();
    const sent = await b.post('/cabinet/readings', { key: 'expired-form-key-3', [`m_${cold}`]: '500.000' });
    expect(sent.headers.location).toBe('/?expired=readings&next=%2Fcabinet%2Freadings');
    const { next } = await logInFrom(b, sent.headers.location as string, '01003317');
    const form = await b.get(next);
    expect(form.body).not.toContain('500.000');
    expect(textOf(form.body)).not.toContain(readingsText.en.draftRestored);
    // Looked at once by a signed-in customer: deleted, so the right owner does not get it later either.
    expect(await drafts()).toEqual([]);
  });

  it('keeps nothing for meters of two accounts, unknown meters, or an account the meters are not on, and says so in no way', async () => {
    const b = await onReadingsPage('en');
    await expireSessions();
    const other = await meterId('29117305');
    for (const [url, form] of [
      ['/cabinet/readings', { [`m_${cold}`]: '1.000', [`m_${other}`]: '2.000' }],
      ['/cabinet/readings', { m_999999: '1.000' }],
      ['/cabinet/readings?account=01003317', { [`m_${cold}`]: '1.000' }],
    ] as const) {
      const sent = await b.post(url, { key: 'expired-form-key-4', ...form });
      expect(sent.statusCode).toBe(303);
      // The answer of a kept form: whether the meters are in service is not told (decision 188).
      expect(sent.headers.location).toBe(`/?expired=readings&next=${encodeURIComponent(url)}`);
      expect(b.cookies.get('readings_draft')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
      expect(await drafts()).toEqual([]);
    }
  });

  it('answers a form without a session the same whatever meter ids it names: one in service and one that does not exist (both forms)', async () => {
    await t.handle.db.deleteFrom('reading_drafts').execute();
    await t.handle.db.deleteFrom('rate_limits').execute();
    const maskCookie = (c: string) =>
      c.replace(/^(readings_draft)=[^;]*/, '$1=<token>').replace(/; ?Expires=[^;]*/i, '');
    async function probe(url: string, meter: number) {
      // A visitor who never signed in: only the form's CSRF token, from any page of the site.
      const visitor = new Browser(t.app);
      await visitor.get('/lang/ru?next=/');
      await visitor.get('/');
      const res = await visitor.post(url, { key: 'probe-form-key-1', [`m_${meter}`]: '123,456' });
      const login = await visitor.get(res.headers.location as string);
      return {
        status: res.statusCode,
        location: res.headers.location,
        body: res.body,
        cookies: [res.headers['set-cookie'] ?? []].flat().map(maskCookie),
        loginStatus: login.statusCode,
        loginPage: textOf(login.body),
      };
    }
    for (const url of ['/cabinet/readings', '/cabinet/premises/readings']) {
      const real = await probe(url, cold);
      expect(await drafts()).toHaveLength(1);
      const none = await probe(url, 987_654_321);
      expect(none).toEqual(real);
      expect(real.status).toBe(303);
      expect(real.loginPage).toContain(identityText.ru.login.sessionExpiredReadings);
      // The real one is kept (for its owner, after the login); nothing is kept for the other.
      expect(await drafts()).toHaveLength(1);
      await t.handle.db.deleteFrom('reading_drafts').execute();
    }
  });

  it('a draft older than 30 minutes fills nothing in', async () => {
    await t.handle.db.deleteFrom('readings').where('period', '=', period).execute();
    const b = await onReadingsPage('en');
    await expireSessions();
    const sent = await b.post('/cabinet/readings', { key: 'expired-form-key-5', [`m_${cold}`]: '321.000' });
    expect(sent.headers.location).toBe('/?expired=readings&next=%2Fcabinet%2Freadings');
    await t.handle.db
      .updateTable('reading_drafts')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .execute();
    const { next } = await logInFrom(b, sent.headers.location as string);
    const form = await b.get(next);
    expect(inputValue(form.body, `m_${cold}`)).toBe('');
    expect(await drafts()).toEqual([]);
  });

  it('a form sent from another site (no token) plants nothing and lands on the login page, not a 403', async () => {
    // A page elsewhere posts to the cabinet: the browser sends no SameSite=Lax cookies with it.
    const stranger = new Browser(t.app);
    const res = await stranger.post('/cabinet/readings', { _csrf: null, [`m_${cold}`]: '999.000' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/?expired=1&next=%2Fcabinet%2Freadings');
    expect(stranger.cookies.has('readings_draft')).toBe(false);
    expect(await drafts()).toEqual([]);
    // A token from another browser does not pass either.
    const own = new Browser(t.app);
    await own.get('/');
    const forged = await stranger.post('/cabinet/readings', { _csrf: own.csrf, [`m_${cold}`]: '999.000' });
    expect(forged.statusCode).toBe(303);
    expect(await drafts()).toEqual([]);
    // A signed-in customer whose token is wrong still gets the 403 page (not sent to log in).
    const b = await onReadingsPage('en');
    const bad = await b.post('/cabinet/readings', { _csrf: 'not-the-token', [`m_${cold}`]: '1.000' });
    expect(bad.statusCode).toBe(403);
  });
});

describe(`a cabinet form sent after the session ended comes back to a page (${ENGINE})`, () => {
  it('every form sends the login to a page that answers, the page the form was on', async () => {
    const forms: [string, string][] = [
      ['/cabinet/invoice/email?period=2026-09', '/cabinet/invoice?period=2026-09'],
      ['/cabinet/invoice/subscription', '/cabinet/invoice'],
      ['/cabinet/settlement/email', '/cabinet/settlement'],
      ['/cabinet/readings?account=02015213', '/cabinet/readings?account=02015213'],
      ['/cabinet/email', '/cabinet/email'],
      ['/cabinet/password', '/cabinet/password'],
      ['/cabinet/subscriptions', '/cabinet/subscriptions'],
      ['/cabinet/notifications', '/cabinet/notifications'],
      ['/cabinet/tokens', '/cabinet/tokens'],
    ];
    const visitor = new Browser(t.app);
    await visitor.get('/');
    const customer = new Browser(t.app);
    expect((await customer.login('02015213', DEMO_PASSWORD)).statusCode).toBe(303);
    for (const [form, page] of forms) {
      const sent = await visitor.post(form, { key: 'expired-form-key-1' });
      expect([form, sent.statusCode]).toEqual([form, 303]);
      const next = new URLSearchParams(String(sent.headers.location).split('?')[1]).get('next');
      expect([form, next]).toEqual([form, page]);
      expect([form, (await customer.get(page)).statusCode]).toEqual([form, 200]);
    }
  });
});
