/**
 * The back-office gate and the administrator's second factor: one guard for every back-office
 * route (checked by walking the route table), TOTP guessing locked per user across fresh password
 * logins, and one code good for one session only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBackofficePath } from '../src/backoffice/guard';
import { createStaffUser } from '../src/backoffice/staff-users.service';
import { currentTotp, newTotpSecret } from '../src/backoffice/totp';
import { DEMO_PASSWORD } from '../src/demo/demo-catalogue';
import { Browser, type TestApp, testApp, textOf } from './helpers/app';
import { demoDatabase } from './helpers/db';

const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
let t: TestApp;
beforeAll(async () => {
  t = await testApp(await demoDatabase({ accounts: 5, months: 3 }));
});
afterAll(async () => t?.close());

let nextIp = 1;
/** A browser from an address of its own, so per-address limits never decide a test. */
const browser = () => new Browser(t.app, `10.0.${Math.floor(nextIp / 250)}.${(nextIp++ % 250) + 1}`);

/** A new administrator with an enrolled TOTP secret. */
async function enrolledAdmin(login: string): Promise<{ id: number; secret: string }> {
  const id = await createStaffUser(t.handle.db, {
    login,
    role: 'admin',
    email: `${login}@vodokanal.test`,
    password: DEMO_PASSWORD,
  });
  const secret = newTotpSecret();
  await t.handle.db.updateTable('users').set({ totp_secret: secret }).where('id', '=', id).execute();
  return { id, secret };
}

/** Logs in with the password only: the session has not passed the second factor. */
async function passwordOnly(login: string, role: 'admin' | 'operator' | 'customer' = 'admin') {
  const b = browser();
  const res = await b.login(login, DEMO_PASSWORD);
  expect(res.statusCode, login).toBe(303);
  if (role !== 'customer') expect(res.headers.location).toBe('/backoffice');
  await b.get(role === 'admin' ? '/backoffice/2fa' : role === 'operator' ? '/backoffice' : '/cabinet');
  return b;
}

const wrongCode = (secret: string) => (currentTotp(secret) === '000000' ? '111111' : '000000');

const failures = async (login: string) =>
  (
    await t.handle.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'admin.totp.failed')
      .where('subject', '=', login)
      .execute()
  ).length;

describe(`the administrator's second factor (${engine})`, () => {
  it('locks guessing per user: fresh password logins from new addresses do not reset the count', async () => {
    const { secret } = await enrolledAdmin('adm-brute');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const b = await passwordOnly('adm-brute');
      b.locale = 'en';
      statuses.push((await b.post('/backoffice/2fa', { code: wrongCode(secret) })).statusCode);
    }
    expect(statuses.slice(0, 4)).toEqual([400, 400, 400, 400]);
    expect(statuses.slice(4)).toEqual([429, 429]);
    // Now even the right code is refused, in the user's language, with the time to come back.
    const b = await passwordOnly('adm-brute');
    await b.get('/lang/en?next=/backoffice/2fa');
    const right = await b.post('/backoffice/2fa', { code: currentTotp(secret) });
    expect(right.statusCode).toBe(429);
    expect(textOf(right.body)).toMatch(
      /Too many wrong codes\. Enter a code again after \d\d\.\d\d\.\d{4} \d\d:\d\d/,
    );
    expect((await b.get('/backoffice')).headers.location).toMatch(/^\/backoffice\/2fa/);
    expect(textOf((await b.get('/backoffice/2fa')).body)).toContain('Too many wrong codes.');
    expect(await failures('adm-brute')).toBe(7);
    const row = await t.handle.db
      .selectFrom('users')
      .select(['totp_failed', 'totp_locked_until'])
      .where('login', '=', 'adm-brute')
      .executeTakeFirstOrThrow();
    expect(row.totp_failed).toBe(5);
    expect(row.totp_locked_until?.getTime()).toBeGreaterThan(Date.now());
  });

  it('refuses a code already used: one code opens one session', async () => {
    const { secret } = await enrolledAdmin('adm-replay');
    const first = await passwordOnly('adm-replay');
    const second = await passwordOnly('adm-replay');
    second.locale = 'en';
    await second.get('/lang/en?next=/backoffice/2fa');
    const code = currentTotp(secret);
    const ok = await first.post('/backoffice/2fa', { code });
    expect(ok.statusCode).toBe(303);
    expect((await first.get('/backoffice')).statusCode).toBe(200);
    const again = await second.post('/backoffice/2fa', { code });
    expect(again.statusCode).toBe(400);
    expect(textOf(again.body)).toContain('This code was already used');
    expect((await second.get('/backoffice')).headers.location).toMatch(/^\/backoffice\/2fa/);
    const failed = await t.handle.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'admin.totp.failed')
      .where('subject', '=', 'adm-replay')
      .executeTakeFirstOrThrow();
    expect(failed.details).toMatchObject({ reason: 'reused' });
  });

  it('an administrator without a confirmed code reaches no mailing page and starts no mailing', async () => {
    await enrolledAdmin('adm-half');
    const b = await passwordOnly('adm-half');
    const before = await t.handle.db
      .selectFrom('invoice_mailings')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    const page = await b.get('/backoffice/mailings');
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe('/backoffice/2fa?next=%2Fbackoffice%2Fmailings');
    const start = await b.post('/backoffice/mailings', { period: '2026-09' });
    expect(start.statusCode).toBe(303);
    expect(start.headers.location).toBe('/backoffice/2fa');
    const after = await t.handle.db
      .selectFrom('invoice_mailings')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });
});

describe(`every back-office route behind one guard (${engine})`, () => {
  const sample = (url: string) =>
    url
      .replace(':number', '02015213')
      .replace(/:[a-zA-Z]+/g, (p) => (p === ':op' ? 'unlock' : '1'))
      .replace(/\*$/, 'x');
  const routes = () =>
    t.app.routeTable.filter((r) => isBackofficePath(r.url) && (r.method === 'GET' || r.method === 'POST'));

  it('lists the back-office routes, including mailings, uploads and the audit log', () => {
    const urls = routes().map((r) => `${r.method} ${r.url}`);
    expect(urls).toEqual(
      expect.arrayContaining([
        'GET /backoffice/mailings',
        'POST /backoffice/mailings',
        'POST /backoffice/exchange/upload',
        'POST /backoffice/exchange/run',
        'GET /backoffice/audit',
        'GET /backoffice/2fa',
      ]),
    );
    expect(
      routes()
        .filter((r) => r.access === 'admin')
        .map((r) => r.url),
    ).toContain('/backoffice/audit');
    expect(
      routes()
        .filter((r) => r.access === 'second-factor')
        .map((r) => r.url),
    ).toEqual(['/backoffice/2fa', '/backoffice/2fa']);
  });

  it('needs a staff session for every route; customers are refused', async () => {
    const anonymous = browser();
    await anonymous.get('/');
    const customer = await passwordOnly('02015213', 'customer');
    for (const r of routes()) {
      const url = sample(r.url);
      const res = r.method === 'GET' ? await anonymous.get(url) : await anonymous.post(url, {});
      expect(res.statusCode, `${r.method} ${url}`).toBe(303);
      expect(res.headers.location, `${r.method} ${url}`).toBe(`/?next=${encodeURIComponent(url)}`);
      const c = r.method === 'GET' ? await customer.get(url) : await customer.post(url, {});
      expect(c.statusCode, `customer ${r.method} ${url}`).toBe(403);
    }
  });

  it("refuses operators on administrators' routes and lets them use the others", async () => {
    const op = await passwordOnly('operator', 'operator');
    for (const r of routes().filter((r) => r.method === 'GET')) {
      const res = await op.get(sample(r.url));
      if (r.access === 'operator') expect(res.statusCode, r.url).toBe(200);
      else expect(res.statusCode, r.url).toBe(403);
    }
  });

  it('gives an administrator without a confirmed code no page and no action but the TOTP page', async () => {
    const { id } = await enrolledAdmin('adm-gate');
    const b = await passwordOnly('adm-gate');
    const before = await t.handle.db
      .selectFrom('audit_log')
      .select('action')
      .where('actor_user_id', '=', id)
      .execute();
    for (const r of routes().filter((r) => r.access !== 'second-factor')) {
      const url = sample(r.url);
      const res = r.method === 'GET' ? await b.get(url) : await b.post(url, { period: '2026-09' });
      expect(res.statusCode, `${r.method} ${url}`).toBe(303);
      expect(res.headers.location, `${r.method} ${url}`).toMatch(/^\/backoffice\/2fa/);
    }
    expect((await b.get('/backoffice/2fa')).statusCode).toBe(200);
    const after = await t.handle.db
      .selectFrom('audit_log')
      .select('action')
      .where('actor_user_id', '=', id)
      .execute();
    expect(after).toEqual(before);
  });
});
