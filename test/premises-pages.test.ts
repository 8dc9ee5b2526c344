// The pages of a user with many accounts: the menu entry, the overview, the readings form of all
// accounts (what it says was stored and what was not), CSRF, and a forged meter id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monthStart, periodOf } from '../src/calendar/calendar';
import { Browser, type TestApp, testApp, textOf } from './helpers/app';
import { testDatabase } from './helpers/db';
import { customerOf, type MeteredAccount, meteredAccount } from './helpers/factories';

const ENGINE = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
let t: TestApp;
let a: MeteredAccount;
let b: MeteredAccount;
let single: MeteredAccount;
let stranger: MeteredAccount;
const owner = { login: '', password: '' };
const loner = { login: '', password: '' };
const other = { login: '', password: '' };
const current = monthStart(periodOf(new Date()));

beforeAll(async () => {
  const handle = await testDatabase();
  t = await testApp(handle);
  const db = handle.db;
  a = await meteredAccount(db);
  b = await meteredAccount(db, { kind: 'legal' });
  single = await meteredAccount(db);
  stranger = await meteredAccount(db);
  const user = await customerOf(db, a);
  Object.assign(owner, user);
  await db.insertInto('user_accounts').values({ user_id: user.id, account_id: b.id }).execute();
  Object.assign(loner, await customerOf(db, single));
  Object.assign(other, await customerOf(db, stranger));
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
});
afterAll(async () => t.close());

const userId = async (login: string) =>
  (await t.handle.db.selectFrom('users').select('id').where('login', '=', login).executeTakeFirst())?.id;

/** The server ends every session of the user (idle timeout reached) while their form is open. */
async function expireSessions(login: string) {
  await t.handle.db
    .updateTable('sessions')
    .set({ expires_at: new Date(Date.now() - 1000) })
    .where('user_id', '=', (await userId(login))!)
    .execute();
}

async function signedIn(who: { login: string; password: string }, lang: 'kk' | 'ru' | 'en') {
  const browser = new Browser(t.app);
  await browser.login(who.login, who.password);
  await browser.get(`/lang/${lang}?next=/cabinet`);
  return browser;
}

const novemberRows = (meterId: number) =>
  t.handle.db
    .selectFrom('readings')
    .select(['value_l'])
    .where('meter_id', '=', meterId)
    .where('period', '=', current)
    .execute();

describe(`pages of a user with many accounts (${ENGINE})`, () => {
  it('lists the overview in the cabinet menu only for a user with more than one account', async () => {
    const many = await signedIn(owner, 'ru');
    expect((await many.get('/cabinet')).body).toContain('href="/cabinet/premises"');
    const one = await signedIn(loner, 'ru');
    expect((await one.get('/cabinet')).body).not.toContain('href="/cabinet/premises"');
  });

  it('shows every account with its kind and links to its pages, in kk, ru and en', async () => {
    const expected = {
      kk: ['Барлық дербес шоттар', 'заңды тұлға', 'Әлі есептелген ай жоқ', 'осы айдың көрсеткіші жоқ'],
      ru: ['Все лицевые счета', 'юр. лицо', 'Рассчитанных месяцев ещё нет', 'за этот месяц показания нет'],
      en: ['All accounts', 'legal entity', 'No billed month yet', "this month's reading is missing"],
    } as const;
    for (const lang of ['kk', 'ru', 'en'] as const) {
      const browser = await signedIn(owner, lang);
      const res = await browser.get('/cabinet/premises');
      expect(res.statusCode).toBe(200);
      const text = textOf(res.body);
      for (const words of expected[lang]) expect(text).toContain(words);
      expect(text).toContain(a.number);
      expect(text).toContain(b.number);
      expect(text).not.toContain(stranger.number);
      expect(res.body).toContain(`href="/cabinet/readings?account=${a.number}"`);
      expect(res.body).toContain(`href="/cabinet/invoice?account=${b.number}"`);
    }
  });

  it('stores the accounts whose rows pass and says exactly which were stored and which not', async () => {
    const browser = await signedIn(owner, 'ru');
    const form = await browser.get('/cabinet/premises/readings');
    expect(form.statusCode).toBe(200);
    const key = /name="key" value="([^"]+)"/.exec(form.body)![1]!;
    const res = await browser.post('/cabinet/premises/readings', {
      key,
      [`m_${a.meters[0]!.id}`]: '105,5',
      [`m_${a.meters[1]!.id}`]: '',
      [`m_${b.meters[0]!.id}`]: '99',
    });
    expect(res.statusCode).toBe(422);
    const text = textOf(res.body);
    expect(text).toContain(`Сохранено Лицевой счёт ${a.number}`);
    expect(text).toContain('сохранено показаний: 1');
    expect(text).toContain(`Не сохранено Лицевой счёт ${b.number}`);
    expect(text).toContain('исправьте отмеченные строки');
    // The refused row keeps what was typed, with its message beside it.
    expect(res.body).toMatch(new RegExp(`name="m_${b.meters[0]!.id}"[^>]*value="99"`));
    expect(text).toContain('не может быть меньше предыдущего');
    expect(await novemberRows(a.meters[0]!.id)).toEqual([{ value_l: 105_500 }]);
    expect(await novemberRows(b.meters[0]!.id)).toEqual([]);
  });

  it('keeps a large consumption ticked as confirmed when the form comes back: another row of the account refused, or the forms past their limit', async () => {
    await t.handle.db.deleteFrom('rate_limits').execute();
    const browser = await signedIn(owner, 'en');
    const form = await browser.get('/cabinet/premises/readings');
    const key = /name="key" value="([^"]+)"/.exec(form.body)![1]!;
    const meter = a.meters[1]!.id;
    const ticked = new RegExp(`name="confirm_${meter}" value="180000" checked`);
    const fields = {
      key,
      [`m_${a.meters[0]!.id}`]: 'abc',
      [`m_${meter}`]: '180',
      [`confirm_${meter}`]: '180000',
    };
    const refused = await browser.post('/cabinet/premises/readings', fields);
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toMatch(ticked);
    // The forms' counters past the limit: the form comes back with the value and its tick.
    await t.handle.db
      .updateTable('rate_limits')
      .set({ hits: 1000 })
      .where('key', 'like', 'action|readings.form|%')
      .execute();
    const limited = await browser.post('/cabinet/premises/readings', {
      ...fields,
      [`m_${a.meters[0]!.id}`]: '',
    });
    expect(limited.statusCode).toBe(429);
    expect(limited.body).toMatch(ticked);
    // A tick whose field no longer holds the value it confirmed is not shown again (still limited).
    for (const value of ['', '190']) {
      const changed = await browser.post('/cabinet/premises/readings', { ...fields, [`m_${meter}`]: value });
      expect(changed.statusCode).toBe(429);
      expect(changed.body).not.toContain(`name="confirm_${meter}"`);
    }
    await t.handle.db.deleteFrom('rate_limits').execute();
    // Checked again: the new value is asked about, not ticked.
    const asked = await browser.post('/cabinet/premises/readings', {
      key,
      [`m_${meter}`]: '190',
      [`confirm_${meter}`]: '180000',
    });
    expect(asked.statusCode).toBe(422);
    expect(asked.body).toMatch(new RegExp(`name="confirm_${meter}" value="190000"(?! checked)`));
    expect(await novemberRows(meter)).toEqual([]);
    await t.handle.db.deleteFrom('rate_limits').execute();
  });

  it('asks to confirm a large consumption beside its row and stores it once confirmed with that value', async () => {
    const browser = await signedIn(owner, 'en');
    const form = await browser.get('/cabinet/premises/readings');
    const key = /name="key" value="([^"]+)"/.exec(form.body)![1]!;
    const meter = a.meters[1]!.id;
    const fields = { key, [`m_${meter}`]: '180' };
    const asked = await browser.post('/cabinet/premises/readings', fields);
    expect(asked.statusCode).toBe(422);
    expect(textOf(asked.body)).toContain('large consumption: confirm the reading and submit again');
    expect(asked.body).toContain(`name="confirm_${meter}" value="180000"`);
    expect(await novemberRows(meter)).toEqual([]);
    const confirmed = await browser.post('/cabinet/premises/readings', {
      ...fields,
      [`confirm_${meter}`]: '180000',
    });
    expect(confirmed.statusCode).toBe(200);
    expect(textOf(confirmed.body)).toContain(`Personal account ${a.number}`);
    expect(textOf(confirmed.body)).toContain('1 reading stored');
    expect(await novemberRows(meter)).toEqual([{ value_l: 180_000 }]);
  });

  it("refuses another customer's meter sent in the form", async () => {
    const browser = await signedIn(owner, 'en');
    const form = await browser.get('/cabinet/premises/readings');
    const key = /name="key" value="([^"]+)"/.exec(form.body)![1]!;
    const res = await browser.post('/cabinet/premises/readings', {
      key,
      [`m_${stranger.meters[0]!.id}`]: '150',
    });
    expect(res.statusCode).toBe(422);
    expect(textOf(res.body)).toContain('A row for a meter that is not on your accounts was refused.');
    expect(await novemberRows(stranger.meters[0]!.id)).toEqual([]);
  });

  it('refuses the form without its CSRF token', async () => {
    const browser = await signedIn(owner, 'kk');
    await browser.get('/cabinet/premises/readings');
    const res = await browser.post('/cabinet/premises/readings', {
      _csrf: null,
      [`m_${b.meters[1]!.id}`]: '120',
    });
    expect(res.statusCode).toBe(403);
    expect(await novemberRows(b.meters[1]!.id)).toEqual([]);
  });

  it('keeps what was typed when the session expired, fills it in after the login for every account, sends nothing', async () => {
    const browser = await signedIn(owner, 'kk');
    const form = await browser.get('/cabinet/premises/readings');
    const key = /name="key" value="([^"]+)"/.exec(form.body)![1]!;
    await expireSessions(owner.login);
    const typed = {
      [`m_${a.meters[0]!.id}`]: '201,5',
      [`m_${b.meters[0]!.id}`]: '130',
      [`m_${b.meters[1]!.id}`]: '125',
    };
    const sent = await browser.post('/cabinet/premises/readings', { key, ...typed });
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toBe('/?expired=readings&next=%2Fcabinet%2Fpremises%2Freadings');
    expect(browser.cookies.get('readings_draft')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    // One draft per account, nothing stored.
    const drafts = await t.handle.db.selectFrom('reading_drafts').select(['account_id', 'typed']).execute();
    expect(drafts.map((d) => d.account_id).sort()).toEqual([a.id, b.id].sort());
    expect(await novemberRows(b.meters[0]!.id)).toEqual([]);

    const login = await browser.get(sent.headers.location as string);
    expect(textOf(login.body)).toContain('енгізген мәндеріңіз 30 минут сақталады');
    const next = /name="next" value="([^"]*)"/.exec(login.body)![1]!;
    const res = await browser.post('/login', { login: owner.login, password: owner.password, next });
    expect(res.headers.location).toBe('/cabinet/premises/readings');
    const filled = await browser.get('/cabinet/premises/readings');
    expect(filled.statusCode).toBe(200);
    for (const [name, value] of Object.entries(typed))
      expect(filled.body, name).toMatch(new RegExp(`name="${name}"[^>]*value="${value}"`));
    expect(textOf(filled.body)).toContain('Әзірге ештеңе жіберілген жоқ');
    expect(await novemberRows(b.meters[0]!.id)).toEqual([]);
    expect(await t.handle.db.selectFrom('reading_drafts').selectAll().execute()).toEqual([]);
    // Once: the next visit shows the form empty.
    const again = await browser.get('/cabinet/premises/readings');
    expect(again.body).not.toMatch(new RegExp(`name="m_${b.meters[0]!.id}"[^>]*value="130"`));
  });

  it("fills in nothing for another customer who signs in with that browser's draft", async () => {
    const browser = await signedIn(owner, 'en');
    const form = await browser.get('/cabinet/premises/readings');
    const key = /name="key" value="([^"]+)"/.exec(form.body)![1]!;
    await expireSessions(owner.login);
    const sent = await browser.post('/cabinet/premises/readings', { key, [`m_${b.meters[0]!.id}`]: '140' });
    expect(sent.statusCode).toBe(303);
    expect(await browser.login(loner.login, loner.password)).toMatchObject({ statusCode: 303 });
    const page = await browser.get('/cabinet/premises/readings');
    expect(page.body).not.toContain('value="140"');
    expect(textOf(page.body)).not.toContain('Nothing was sent yet');
    expect(await t.handle.db.selectFrom('reading_drafts').selectAll().execute()).toEqual([]);
  });

  it("a stranger's form for the same account keeps the customer's draft; a flood of forms is refused before any row", async () => {
    const browser = await signedIn(owner, 'en');
    const form = await browser.get('/cabinet/premises/readings');
    const key = /name="key" value="([^"]+)"/.exec(form.body)![1]!;
    await expireSessions(owner.login);
    const field = `m_${a.meters[0]!.id}`;
    expect((await browser.post('/cabinet/premises/readings', { key, [field]: '222' })).statusCode).toBe(303);
    // Anyone can send the form without a session: a stranger's values for the same meter.
    const stranger = new Browser(t.app);
    await stranger.get('/');
    const planted = await stranger.post('/cabinet/premises/readings', { [field]: '1' });
    expect(planted.headers.location).toBe('/?expired=readings&next=%2Fcabinet%2Fpremises%2Freadings');
    await browser.login(owner.login, owner.password);
    const filled = await browser.get('/cabinet/premises/readings');
    expect(filled.body).toMatch(new RegExp(`name="${field}"[^>]*value="222"`));
    // The stranger's own draft stays theirs (it never reaches the customer's form) until it expires.
    await t.handle.db.deleteFrom('reading_drafts').execute();
    // Past the limit per client address, nothing is kept: the login page says only that the session expired.
    let last = planted;
    for (let i = 0; i < 31; i++) last = await stranger.post('/cabinet/premises/readings', { [field]: '1' });
    expect(last.headers.location).toBe('/?expired=1&next=%2Fcabinet%2Fpremises%2Freadings');
    const rows = await t.handle.db.selectFrom('reading_drafts').select('account_id').execute();
    expect(rows.length).toBeLessThanOrEqual(30);
  });

  it('keeps the own meters of a form sent without a session alike whatever other ids it names, so it tells nothing of them', async () => {
    await t.handle.db.deleteFrom('rate_limits').execute();
    await t.handle.db.deleteFrom('reading_drafts').execute();
    const own = `m_${a.meters[0]!.id}`;
    const probed = { real: `m_${stranger.meters[0]!.id}`, none: 'm_999999999' };
    const filledFor = async (probe: string) => {
      // Anonymous: no session in this browser, its own meter next to the probed id.
      const anonymous = new Browser(t.app);
      await anonymous.get('/');
      const sent = await anonymous.post('/cabinet/premises/readings', { [own]: '333', [probe]: '7' });
      expect(sent.statusCode).toBe(303);
      expect(await anonymous.login(owner.login, owner.password)).toMatchObject({ statusCode: 303 });
      const page = await anonymous.get('/cabinet/premises/readings');
      expect(page.statusCode).toBe(200);
      return {
        location: sent.headers.location,
        own: new RegExp(`name="${own}"[^>]*value="333"`).test(page.body),
        probed: page.body.includes('value="7"'),
      };
    };
    const withReal = await filledFor(probed.real);
    const withNone = await filledFor(probed.none);
    expect(withReal).toEqual(withNone);
    expect(withReal).toEqual({
      location: '/?expired=readings&next=%2Fcabinet%2Fpremises%2Freadings',
      own: true,
      probed: false,
    });
    // The other customer, in their own browser, sees nothing of the value sent for their meter.
    const theirs = new Browser(t.app);
    expect(await theirs.login(other.login, other.password)).toMatchObject({ statusCode: 303 });
    const page = await theirs.get('/cabinet/premises/readings');
    expect(page.body).not.toMatch(new RegExp(`name="${probed.real}"[^>]*value="7"`));
    expect(page.body).not.toContain('value="7"');
    await t.handle.db.deleteFrom('reading_drafts').execute();
    await t.handle.db.deleteFrom('rate_limits').execute();
  });

  it('limits the readings forms per customer: past 30 in 10 minutes the form comes back with the wait and the values, 429; another customer is not limited', async () => {
    await t.handle.db.deleteFrom('rate_limits').execute();
    const browser = await signedIn(owner, 'ru');
    const field = `m_${a.meters[1]!.id}`;
    const before = await novemberRows(a.meters[1]!.id);
    for (let i = 0; i < 30; i++) {
      const res = await browser.post('/cabinet/premises/readings', { key: `limit-key-${i}` });
      expect(res.statusCode).toBe(422);
    }
    const limited = await browser.post('/cabinet/premises/readings', {
      key: 'limit-key-x',
      [field]: '123,4',
    });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(500);
    expect(textOf(limited.body)).toContain('Это действие повторялось слишком часто. Повторите через 10 мин.');
    expect(limited.body).toMatch(
      new RegExp(`name="${field}"[^>]*value="123,4"|value="123,4"[^>]*name="${field}"`),
    );
    expect(limited.body).toContain('value="limit-key-x"');
    expect(await novemberRows(a.meters[1]!.id)).toEqual(before);
    // The form of one account counts in the same budget.
    const one = await browser.post(`/cabinet/readings?account=${a.number}`, { [field]: '123,4' });
    expect(one.statusCode).toBe(429);
    expect(textOf(one.body)).toContain('Повторите через 10 мин.');
    expect(one.body).toMatch(/value="123,4"/);
    expect(await novemberRows(a.meters[1]!.id)).toEqual(before);
    // Another customer at the same address is not limited.
    const other = await signedIn(loner, 'en');
    const theirs = await other.post('/cabinet/premises/readings', {});
    expect(theirs.statusCode).not.toBe(429);
    const theirForm = await other.post('/cabinet/readings', { action: 'cancel' });
    expect(theirForm.statusCode).toBe(200);
    await t.handle.db.deleteFrom('rate_limits').execute();
  });

  it('sends a visitor without a session to the login page', async () => {
    const res = await new Browser(t.app).get('/cabinet/premises');
    expect(res.statusCode).toBe(303);
  });
});
