import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chargeLine, chargesTotal } from '../src/billing/charges';
import { ConfigError, loadConfig } from '../src/config';
import { DatabaseUnavailableError, openDatabase } from '../src/db/database';
import { DEMO_PASSWORD } from '../src/demo/demo-catalogue';
import { formatTiyn } from '../src/money/tiyn';
import { Browser, type TestApp, testApp, textOf } from './helpers/app';
import { demoDatabase } from './helpers/db';

let t: TestApp;
beforeAll(async () => {
  t = await testApp(await demoDatabase());
});
afterAll(async () => t?.close());

const monthRow = (number: string, period: string) =>
  t.handle.db
    .selectFrom('account_months')
    .innerJoin('accounts', 'accounts.id', 'account_months.account_id')
    .selectAll('account_months')
    .where('accounts.number', '=', number)
    .where('account_months.period', '=', period)
    .executeTakeFirstOrThrow();

describe(`the seed's figures through the database (${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('invoice A: charges, paid, closing', async () => {
    const m = await monthRow('01003317', '2020-05-01');
    expect(
      [m.opening_tiyn, m.charged_tiyn, m.paid_tiyn, m.compensation_tiyn, m.closing_tiyn].map(formatTiyn),
    ).toEqual(['-17.71', '516.67', '7212', '6712', '-6713.04']);
    const lines = await t.handle.db
      .selectFrom('charges')
      .innerJoin('accounts', 'accounts.id', 'charges.account_id')
      .select(['service', 'quantity_l', 'tariff_tiyn_per_m3', 'vat_bp', 'amount_tiyn'])
      .where('accounts.number', '=', '01003317')
      .where('period', '=', '2020-05-01')
      .orderBy('service')
      .execute();
    expect(lines.map((l) => [l.service, l.quantity_l, formatTiyn(l.amount_tiyn)])).toEqual([
      ['cold_water', 3222, '214.14'],
      ['sewage', 4590, '302.54'],
    ]);
    const recomputed = chargesTotal(
      lines.map((l) =>
        chargeLine({
          service: l.service,
          basis: 'meter',
          quantityL: l.quantity_l,
          tariffTiynPerM3: l.tariff_tiyn_per_m3,
          vatBp: l.vat_bp,
        }),
      ),
    );
    expect(recomputed).toBe(m.charged_tiyn);
  });

  it('invoice B: 180.84 charged, closing -460.22', async () => {
    const m = await monthRow('02015213', '2020-05-01');
    expect(
      [m.opening_tiyn, m.charged_tiyn, m.paid_tiyn, m.compensation_tiyn, m.closing_tiyn].map(formatTiyn),
    ).toEqual(['-641.06', '180.84', '0', '1500', '-460.22']);
  });

  it('statement C: October and November 2019', async () => {
    const oct = await monthRow('03017845', '2019-10-01');
    const nov = await monthRow('03017845', '2019-11-01');
    expect(formatTiyn(oct.opening_tiyn)).toBe('1749.50');
    expect(formatTiyn(oct.closing_tiyn)).toBe('-11.46');
    expect(formatTiyn(nov.closing_tiyn)).toBe('-213.57');
    expect(formatTiyn(oct.charged_tiyn + nov.charged_tiyn)).toBe('1736.93');
    expect(formatTiyn(oct.paid_tiyn + nov.paid_tiyn)).toBe('3700');
  });

  it('every month opens with the previous closing and obeys the balance identity', async () => {
    const broken = await sql<{ n: number }>`
      select count(*)::int as n from account_months m
      join account_months p on p.account_id = m.account_id and p.period = (m.period - interval '1 month')::date
      where m.opening_tiyn <> p.closing_tiyn`.execute(t.handle.db);
    expect(broken.rows[0]?.n).toBe(0);
    const rows = await sql<{ n: number }>`select count(*)::int as n from account_months`.execute(t.handle.db);
    expect(rows.rows[0]?.n).toBeGreaterThan(300);
  });

  it('the database refuses a balance that does not add up', async () => {
    const account = await t.handle.db.selectFrom('accounts').select('id').executeTakeFirstOrThrow();
    await expect(
      t.handle.db
        .insertInto('account_months')
        .values({
          account_id: account.id,
          period: '2001-01-01',
          opening_tiyn: 100,
          charged_tiyn: 50,
          paid_tiyn: 0,
          closing_tiyn: 149,
        })
        .execute(),
    ).rejects.toThrow();
  });

  it('VAT: 12% in 2020, 16% in 2026', async () => {
    const vat = await t.handle.db
      .selectFrom('charges')
      .select(['period', 'vat_bp'])
      .where('period', 'in', ['2020-05-01', '2026-10-01'])
      .groupBy(['period', 'vat_bp'])
      .orderBy('period')
      .execute();
    expect(vat).toEqual([
      { period: '2020-05-01', vat_bp: 1200 },
      { period: '2026-10-01', vat_bp: 1600 },
    ]);
  });
});

describe('web shell', () => {
  it('serves the login form in kk, ru and en', async () => {
    const expected = {
      kk: 'Мені осы компьютерде есте сақтау',
      ru: 'Запомнить меня на этом компьютере',
      en: 'Remember me on this computer',
    };
    for (const [locale, text] of Object.entries(expected)) {
      const b = new Browser(t.app);
      const switched = await b.get(`/lang/${locale}?next=/`);
      expect(switched.statusCode).toBe(303);
      const page = await b.get('/');
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain(`<html lang="${locale}"`);
      expect(textOf(page.body)).toContain(text);
    }
  });

  it('logs in with the personal account and shows only that account', async () => {
    const b = new Browser(t.app);
    const res = await b.login('02015213', DEMO_PASSWORD);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/cabinet');
    await b.get('/lang/en');
    const page = textOf((await b.get('/cabinet')).body);
    expect(page).toContain('02015213');
    expect(page).toContain('Сәрсенова Айгүл Маратқызы');
    expect(page).toContain('Қазақстан, 64-12');
    expect(page).not.toContain('01003317');
  });

  it('refuses a wrong password and keeps the login typed', async () => {
    const b = new Browser(t.app);
    await b.get('/lang/ru');
    const res = await b.login('02015213', 'wrong-password');
    expect(res.statusCode).toBe(401);
    expect(textOf(res.body)).toContain('Неверный логин или пароль.');
    expect(res.body).toContain('value="02015213"');
  });

  it('refuses a form without its CSRF token', async () => {
    const b = new Browser(t.app);
    await b.get('/');
    const res = await b.post('/login', { _csrf: null, login: '02015213', password: DEMO_PASSWORD });
    expect(res.statusCode).toBe(403);
    expect(b.cookies.has('sid')).toBe(false);
  });

  it('sends visitors of the cabinet to the login page, and ends the session on logout', async () => {
    const anonymous = new Browser(t.app);
    const res = await anonymous.get('/cabinet');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/?next=%2Fcabinet');

    const b = new Browser(t.app);
    await b.login('01003317', DEMO_PASSWORD);
    const sid = b.cookies.get('sid');
    expect(sid).toBeTruthy();
    await b.get('/cabinet');
    await b.post('/logout', {});
    // The old cookie no longer opens the cabinet, even if kept.
    const replay = new Browser(t.app);
    replay.cookies.set('sid', sid ?? '');
    expect((await replay.get('/cabinet')).statusCode).toBe(303);
  });

  it('answers unknown pages with a page in the user language', async () => {
    const b = new Browser(t.app);
    await b.get('/lang/kk');
    const res = await b.get('/no-such-page');
    expect(res.statusCode).toBe(404);
    expect(textOf(res.body)).toContain('Бет табылмады');
  });
});

describe('configuration', () => {
  it('refuses a bad port with one clear line', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
  });
  it('says which server cannot be reached, without the password', async () => {
    const error = await openDatabase({ url: 'postgres://app:secret@127.0.0.1:1/none' }).catch((e) => e);
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(error.message).toContain('127.0.0.1:1');
    expect(error.message).not.toContain('secret');
  });
});

describe('public address', () => {
  it('follows PORT unless PUBLIC_URL is set', () => {
    expect(loadConfig({ NODE_ENV: 'test', PORT: '3100' }).PUBLIC_URL).toBe('http://localhost:3100');
    expect(
      loadConfig({ NODE_ENV: 'test', PORT: '3100', PUBLIC_URL: 'https://cabinet.example.kz/' }).PUBLIC_URL,
    ).toBe('https://cabinet.example.kz');
  });
});
