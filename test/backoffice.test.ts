import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentTotp } from '../src/backoffice/totp';
import { DEMO_PASSWORD } from '../src/demo/demo-catalogue';
import { formatTiyn } from '../src/money/tiyn';
import { Browser, type TestApp, testApp, textOf } from './helpers/app';
import { demoDatabase } from './helpers/db';

const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
let t: TestApp;
beforeAll(async () => {
  t = await testApp(await demoDatabase({ accounts: 20, months: 6 }));
});
afterAll(async () => t?.close());

const STAFF_PAGES = [
  '/backoffice',
  '/backoffice/accounts?q=%D0%9A%D1%80%D0%B0%D1%81%D0%B8%D0%BD%D0%B0',
  '/backoffice/accounts/02015213',
  '/backoffice/readings',
  '/backoffice/rates',
  '/backoffice/questions',
  '/backoffice/notes',
  '/backoffice/exchange',
];
const ADMIN_PAGES = ['/backoffice/audit'];
const STAFF_POSTS: [string, Record<string, string>][] = [
  [
    '/backoffice/rates/tariff',
    { service: 'cold_water', customer_kind: 'individual', effective_from: '2027-01-01', price: '1' },
  ],
  ['/backoffice/rates/vat', { effective_from: '2027-01-01', rate: '20' }],
  ['/backoffice/rates/norm', { kind: 'cold_per_person', effective_from: '2027-01-01', volume: '1' }],
  ['/backoffice/readings/1', { decision: 'accept', note: '' }],
  ['/backoffice/questions/1/answer', { answer: 'x' }],
  ['/backoffice/questions/1/publish', { published: '1' }],
  [
    '/backoffice/notes',
    { title: 'x', body: 'x', starts_on: '2027-01-01', ends_on: '2027-01-02', street: '1' },
  ],
  ['/backoffice/accounts/02015213/users/1/unlock', {}],
];

async function adminBrowser(): Promise<Browser> {
  const b = new Browser(t.app);
  const res = await b.login('admin', DEMO_PASSWORD);
  expect(res.headers.location).toBe('/backoffice');
  const home = await b.get('/backoffice');
  expect(home.statusCode).toBe(303);
  expect(home.headers.location).toMatch(/^\/backoffice\/2fa/);
  const user = await t.handle.db
    .selectFrom('users')
    .select('totp_secret')
    .where('login', '=', 'admin')
    .executeTakeFirstOrThrow();
  let secret = user.totp_secret;
  const page = await b.get('/backoffice/2fa');
  if (!secret) {
    secret = /id="totp-secret">([A-Z2-7]+)</.exec(page.body)?.[1] ?? '';
    expect(page.body).toContain('data:image/svg+xml;base64,');
    expect(page.body).toContain('otpauth://totp/');
  }
  const wrong = await b.post('/backoffice/2fa', {
    code: '000000' === currentTotp(secret) ? '111111' : '000000',
  });
  expect(wrong.statusCode).toBe(400);
  const ok = await b.post('/backoffice/2fa', { code: currentTotp(secret) });
  expect(ok.statusCode).toBe(303);
  return b;
}

describe(`back-office access (${engine})`, () => {
  it('an anonymous visitor is sent to the login page', async () => {
    const b = new Browser(t.app);
    for (const url of [...STAFF_PAGES, ...ADMIN_PAGES]) {
      const res = await b.get(url);
      expect(res.statusCode, url).toBe(303);
      expect(res.headers.location, url).toBe(`/?next=${encodeURIComponent(url)}`);
    }
  });

  it('a customer reaches no back-office page or action', async () => {
    const b = new Browser(t.app);
    await b.login('02015213', DEMO_PASSWORD);
    for (const url of [...STAFF_PAGES, ...ADMIN_PAGES, '/backoffice/2fa']) {
      const res = await b.get(url);
      expect(res.statusCode, url).toBe(403);
      expect(textOf(res.body)).not.toContain('Көрсеткіштерді тексеру');
    }
    await b.get('/cabinet');
    const before = await t.handle.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    for (const [url, form] of STAFF_POSTS) {
      const res = await b.post(url, form);
      expect(res.statusCode, url).toBe(403);
    }
    const tariffs = await t.handle.db
      .selectFrom('tariffs')
      .select('id')
      .where('effective_from', '=', '2027-01-01')
      .execute();
    expect(tariffs).toEqual([]);
    const after = await t.handle.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it("an operator works in the back-office but cannot do an administrator's work", async () => {
    const b = new Browser(t.app);
    const res = await b.login('operator', DEMO_PASSWORD);
    expect(res.headers.location).toBe('/backoffice');
    for (const url of STAFF_PAGES) expect((await b.get(url)).statusCode, url).toBe(200);
    expect((await b.get('/backoffice/audit')).statusCode).toBe(403);
    expect((await b.get('/backoffice/audit?action=login')).statusCode).toBe(403);
    expect((await b.get('/backoffice/2fa')).statusCode).toBe(403);
    const home = await b.get('/backoffice');
    expect(home.body).not.toContain('href="/backoffice/audit"');
  });

  it('an administrator confirms the session with a TOTP code, then reads and filters the audit log', async () => {
    const b = await adminBrowser();
    const audit = await b.get('/backoffice/audit?action=admin.totp');
    expect(audit.statusCode).toBe(200);
    const text = textOf(audit.body);
    expect(text).toContain('admin.totp.enrolled');
    expect(text).toContain('admin.totp.failed');
    expect(text).not.toContain('login.failed');
    const byActor = textOf((await b.get('/backoffice/audit?actor=operator&action=login')).body);
    expect(byActor).toContain('operator');
    expect(byActor).not.toContain('admin.totp');
    const future = textOf((await b.get('/backoffice/audit?from=2099-01-01')).body);
    expect(future).not.toContain('admin.totp');
    const bad = await b.get('/backoffice/audit?from=01.02.2026');
    expect(textOf(bad.body)).toContain('ГГГГ-ММ-ДД');
    // A second login asks for the code again, without enrolling.
    const again = new Browser(t.app);
    await again.login('admin', DEMO_PASSWORD);
    const page = await again.get('/backoffice/2fa');
    expect(page.body).not.toContain('totp-secret');
    expect((await again.get('/backoffice/rates')).statusCode).toBe(303);
  });
});

describe(`back-office work (${engine})`, () => {
  let op: Browser;
  beforeAll(async () => {
    op = new Browser(t.app);
    op.locale = 'ru';
    await op.login('operator', DEMO_PASSWORD);
  });

  it('finds an account by number, address and surname', async () => {
    const byAddress = textOf(
      (await op.get(`/backoffice/accounts?q=${encodeURIComponent('Красина 3-45')}`)).body,
    );
    expect(byAddress).toContain('01003317');
    const bySurname = await op.get(`/backoffice/accounts?q=${encodeURIComponent('Красина')}`);
    expect(textOf(bySurname.body)).toContain('01003317');
    const byNumber = await op.get('/backoffice/accounts?q=02015213');
    expect(byNumber.headers.location).toBe('/backoffice/accounts/02015213');
    const page = textOf((await op.get('/backoffice/accounts/02015213')).body);
    expect(page).toContain('31883369');
    const last = await t.handle.db
      .selectFrom('account_months')
      .innerJoin('accounts', 'accounts.id', 'account_months.account_id')
      .select(['account_months.closing_tiyn', 'account_months.period'])
      .where('accounts.number', '=', '02015213')
      .orderBy('account_months.period', 'desc')
      .executeTakeFirstOrThrow();
    expect(page).toContain(formatTiyn(last.closing_tiyn));
    expect(page).toContain('Сәрсенова');
  });

  it('unlocks a locked cabinet user and writes the audit log', async () => {
    const user = await t.handle.db
      .updateTable('users')
      .set({ locked_until: new Date(Date.now() + 600_000), failed_logins: 3 })
      .where('login', '=', '02015213')
      .returning('id')
      .executeTakeFirstOrThrow();
    await op.get('/backoffice/accounts/02015213');
    const res = await op.post(`/backoffice/accounts/02015213/users/${user.id}/unlock`, {});
    expect(res.headers.location).toBe('/backoffice/accounts/02015213?done=unlock');
    const after = await t.handle.db
      .selectFrom('users')
      .select(['locked_until', 'failed_logins'])
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(after).toEqual({ locked_until: null, failed_logins: 0 });
    const reset = await op.post(`/backoffice/accounts/02015213/users/${user.id}/reset`, {});
    expect(reset.statusCode).toBe(303);
    const mail = await t.handle.db
      .selectFrom('mail_outbox')
      .selectAll()
      .where('purpose', '=', 'backoffice.password_reset')
      .executeTakeFirstOrThrow();
    expect(mail.text_body).toMatch(/\/password\/change\?login=02015213&word=/);
    const entries = await t.handle.db
      .selectFrom('audit_log')
      .select('action')
      .where('subject', '=', '02015213')
      .execute();
    expect(entries.map((e) => e.action)).toEqual(
      expect.arrayContaining(['account.user.unlock', 'account.user.reset']),
    );
  });

  it('refuses a tariff inside a closed month and accepts one from next month', async () => {
    await op.get('/backoffice/rates');
    const closed = await op.post('/backoffice/rates/tariff', {
      service: 'cold_water',
      customer_kind: 'individual',
      effective_from: '2026-10-01',
      price: '99.99',
    });
    expect(closed.statusCode).toBe(400);
    expect(textOf(closed.body)).toContain('01.11.2026');
    expect(closed.body).toContain('value="99.99"');
    const midMonth = await op.post('/backoffice/rates/tariff', {
      service: 'cold_water',
      customer_kind: 'individual',
      effective_from: '2026-12-15',
      price: '99.99',
    });
    expect(midMonth.statusCode).toBe(400);
    const ok = await op.post('/backoffice/rates/tariff', {
      service: 'cold_water',
      customer_kind: 'individual',
      effective_from: '2026-12-01',
      price: '99.99',
    });
    expect(ok.headers.location).toBe('/backoffice/rates?saved=1');
    const row = await t.handle.db
      .selectFrom('tariffs')
      .selectAll()
      .where('effective_from', '=', '2026-12-01')
      .executeTakeFirstOrThrow();
    expect(row.price_tiyn_per_m3).toBe(9999);
    const vat = await op.post('/backoffice/rates/vat', { effective_from: '2025-01-01', rate: '20' });
    expect(vat.statusCode).toBe(400);
    const norm = await op.post('/backoffice/rates/norm', {
      kind: 'cold_per_person',
      effective_from: '2027-01-01',
      volume: '3,6',
    });
    expect(norm.statusCode).toBe(303);
    const n = await t.handle.db
      .selectFrom('norms')
      .selectAll()
      .where('effective_from', '=', '2027-01-01')
      .executeTakeFirstOrThrow();
    expect(n.litres).toBe(3600);
  });

  it('rejects a flagged reading with a reason and mails the customer in their language', async () => {
    const meter = await t.handle.db
      .selectFrom('meters')
      .innerJoin('accounts', 'accounts.id', 'meters.account_id')
      .select('meters.id')
      .where('accounts.number', '=', '01003317')
      .orderBy('meters.id')
      .executeTakeFirstOrThrow();
    const user = await t.handle.db
      .updateTable('users')
      .set({ locale: 'en' })
      .where('login', '=', '01003317')
      .returning(['email'])
      .executeTakeFirstOrThrow();
    const reading = await t.handle.db
      .insertInto('readings')
      .values({
        meter_id: meter.id,
        period: '2026-11-01',
        value_l: 99_000_000,
        read_on: '2026-11-20',
        source: 'cabinet',
        status: 'flagged',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const queue = textOf((await op.get('/backoffice/readings')).body);
    expect(queue).toContain('01003317');
    const noReason = await op.post(`/backoffice/readings/${reading.id}`, { decision: 'reject', note: '' });
    expect(noReason.headers.location).toContain('error=reason');
    const res = await op.post(`/backoffice/readings/${reading.id}`, {
      decision: 'reject',
      note: 'Photo of the meter needed',
    });
    expect(res.headers.location).toBe('/backoffice/readings?done=rejected');
    const row = await t.handle.db
      .selectFrom('readings')
      .selectAll()
      .where('id', '=', reading.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('rejected');
    expect(row.review_note).toBe('Photo of the meter needed');
    const mail = await t.handle.db
      .selectFrom('mail_outbox')
      .selectAll()
      .where('dedupe_key', 'like', `reading-review:${reading.id}:%`)
      .execute();
    expect(mail).toHaveLength(1);
    expect(mail[0]?.to_address).toBe(user.email);
    expect(mail[0]?.subject).toBe('Your meter reading is rejected');
    expect(mail[0]?.text_body).toContain('Photo of the meter needed');
    const twice = await op.post(`/backoffice/readings/${reading.id}`, { decision: 'accept', note: '' });
    expect(twice.headers.location).toBe('/backoffice/readings?done=already');
  });

  it('answers a question by email and publishes it to Q&A', async () => {
    const visitor = new Browser(t.app);
    await visitor.get('/ask');
    const bad = await visitor.post('/ask', {
      name: 'Асқар',
      email: 'not-an-email',
      topic: 'billing',
      body: 'Неге?',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('value="not-an-email"');
    const sent = await visitor.post('/ask', {
      name: 'Асқар',
      email: 'askar@example.kz',
      topic: 'billing',
      body: 'Why did my bill grow in December?',
    });
    expect(sent.headers.location).toBe('/ask/sent');
    const q = await t.handle.db
      .selectFrom('questions')
      .selectAll()
      .where('email', '=', 'askar@example.kz')
      .executeTakeFirstOrThrow();
    expect(textOf((await visitor.get('/qa')).body)).not.toContain('Why did my bill grow');
    await op.get('/backoffice/questions');
    const res = await op.post(`/backoffice/questions/${q.id}/answer`, {
      answer: 'The new tariff applies from December.',
      publish: '1',
    });
    expect(res.headers.location).toBe('/backoffice/questions?done=1');
    const mail = await t.handle.db
      .selectFrom('mail_outbox')
      .selectAll()
      .where('dedupe_key', '=', `question-answer:${q.id}`)
      .executeTakeFirstOrThrow();
    expect(mail.to_address).toBe('askar@example.kz');
    expect(mail.text_body).toContain('The new tariff applies from December.');
    const qa = textOf((await visitor.get('/qa')).body);
    expect(qa).toContain('Why did my bill grow in December?');
    expect(qa).toContain('The new tariff applies from December.');
  });

  it('mails an outage note once to each subscriber on its streets', async () => {
    const street = await t.handle.db
      .selectFrom('streets')
      .select(['id', 'name'])
      .where('name', '=', 'Красина')
      .executeTakeFirstOrThrow();
    const subscribers = await t.handle.db
      .selectFrom('users')
      .innerJoin('user_accounts', 'user_accounts.user_id', 'users.id')
      .innerJoin('accounts', 'accounts.id', 'user_accounts.account_id')
      .innerJoin('premises', 'premises.id', 'accounts.premise_id')
      .innerJoin('buildings', 'buildings.id', 'premises.building_id')
      .select('users.email')
      .distinct()
      .where('buildings.street_id', '=', street.id)
      .where('users.subscribe_announcements', '=', true)
      .execute();
    expect(subscribers.length).toBeGreaterThan(0);
    await op.get('/backoffice/notes');
    const bad = await op.post('/backoffice/notes', {
      title: 'Outage',
      body: 'Works',
      starts_on: '2026-12-02',
      ends_on: '2026-12-01',
    });
    expect(bad.statusCode).toBe(400);
    const res = await op.post('/backoffice/notes', {
      title: 'Водопровод: плановые работы',
      body: 'Отключение холодной воды с 9:00 до 18:00.',
      starts_on: '2026-12-01',
      ends_on: '2026-12-02',
      street: String(street.id),
    });
    expect(res.headers.location).toBe(`/backoffice/notes?posted=${subscribers.length}`);
    const mails = await t.handle.db
      .selectFrom('mail_outbox')
      .select(['to_address', 'text_body'])
      .where('purpose', '=', 'note.announcement')
      .execute();
    expect(mails.map((m) => m.to_address).sort()).toEqual(subscribers.map((s) => s.email).sort());
    expect(mails[0]?.text_body).toContain('Красина');
    const notes = textOf((await new Browser(t.app).get('/notes')).body);
    expect(notes).toContain('Водопровод: плановые работы');
    expect(notes).toContain('01.12.2026');
  });

  it('rate-limits the public question form', async () => {
    const visitor = new Browser(t.app);
    await visitor.get('/ask');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await visitor.post('/ask', {
        name: 'Flood',
        email: 'flood@example.kz',
        topic: 'other',
        body: `Question ${i}`,
      });
      statuses.push(res.statusCode);
    }
    expect(statuses).toContain(429);
    const stored = await t.handle.db
      .selectFrom('questions')
      .select('id')
      .where('email', '=', 'flood@example.kz')
      .execute();
    expect(stored.length).toBeLessThan(6);
  });
});
