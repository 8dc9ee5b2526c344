import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unregisteredIndividual } from '../e2e/helpers';
import { Browser, type TestApp, testApp } from './helpers/app';
import { demoDatabase } from './helpers/db';
import { householdPost } from './helpers/registration';

// Attacks on expiring registrations, the address correction and the own-data export: a second
// registrant of an expired registration sees nothing of the first, and strangers cannot use up
// the registrant's address corrections.
const ENGINE = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const PASSWORD = 'Su-arnasy-2026';
const FIRST_IP = '203.0.113.77';
const FIRST_UA = 'FirstRegistrant-Browser/1.0';
let t: TestApp;

beforeAll(async () => {
  t = await testApp(await demoDatabase({ accounts: 30, months: 2 }));
});
afterAll(async () => t?.close());

async function register(b: Browser, acc: { number: string; surname: string }, email: string, ua?: string) {
  await b.get('/register');
  const form = {
    _csrf: b.csrf,
    ...householdPost(acc, { firstName: 'Асан', email, password: PASSWORD }),
  };
  return t.app.inject({
    method: 'POST',
    url: '/register',
    payload: new URLSearchParams(form).toString(),
    remoteAddress: b.ip,
    headers: {
      cookie: [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      'content-type': 'application/x-www-form-urlencoded',
      ...(ua ? { 'user-agent': ua } : {}),
    },
  });
}

const userRow = (login: string) =>
  t.handle.db
    .selectFrom('users')
    .select(['id', 'email', 'email_confirmed_at'])
    .where('login', '=', login)
    .executeTakeFirstOrThrow();

describe(`attacks on registration and the own-data export (${ENGINE})`, () => {
  it("re-registering an expired registration gives the newcomer none of the first registrant's data", async () => {
    const acc = await unregisteredIndividual(t.handle);
    const first = new Browser(t.app, FIRST_IP);
    expect((await register(first, acc, 'first.person@example.kz', FIRST_UA)).statusCode).toBe(303);
    // The first registrant tries to sign in before confirming (audited with the address).
    expect((await first.login(acc.number, PASSWORD)).headers.location).toContain('/register/unconfirmed');

    // A stranger before the 72 hours: refused.
    const stranger = new Browser(t.app, '198.51.100.201');
    expect((await register(stranger, acc, 'stranger@example.kz')).statusCode).toBe(400);
    expect((await userRow(acc.number)).email).toBe('first.person@example.kz');

    // 73 hours later the stranger may register the account again.
    const { id } = await userRow(acc.number);
    await t.handle.db
      .updateTable('users')
      .set({ created_at: new Date(Date.now() - 73 * 3600_000) })
      .where('id', '=', id)
      .execute();
    expect((await register(stranger, acc, 'stranger@example.kz')).statusCode).toBe(303);
    // The stranger confirms the address (as by the mailed link) and signs in.
    await t.handle.db
      .updateTable('users')
      .set({ email_confirmed_at: new Date() })
      .where('login', '=', acc.number)
      .execute();
    expect((await stranger.login(acc.number, PASSWORD)).headers.location).toBe('/cabinet');

    const json = await stranger.get('/cabinet/my-data.json');
    expect(json.statusCode).toBe(200);
    const csv = await stranger.get('/cabinet/my-data.csv');
    for (const body of [json.body, csv.body]) {
      expect(body).not.toContain(FIRST_IP);
      expect(body).not.toContain(FIRST_UA);
      expect(body).not.toContain('first.person@example.kz');
    }
    expect(json.json().consents).toHaveLength(1);
    // The first registration's row keeps its own consent and audit, and can no longer sign in.
    expect((await userRow(acc.number)).id).not.toBe(id);
    const kept = await t.handle.db
      .selectFrom('personal_data_consents')
      .select(['ip', 'user_agent'])
      .where('user_id', '=', id)
      .execute();
    expect(kept).toEqual([{ ip: FIRST_IP, user_agent: FIRST_UA }]);
    const old = await t.handle.db
      .selectFrom('users')
      .leftJoin('user_accounts', 'user_accounts.user_id', 'users.id')
      .leftJoin('sessions', 'sessions.user_id', 'users.id')
      .select(['users.login', 'users.email', 'user_accounts.account_id', 'sessions.id_hash'])
      .where('users.id', '=', id)
      .executeTakeFirstOrThrow();
    expect(old).toEqual({ login: `expired:${id}`, email: null, account_id: null, id_hash: null });
    const unusedLinks = await t.handle.db
      .selectFrom('one_time_tokens')
      .select('id')
      .where('user_id', '=', id)
      .where('used_at', 'is', null)
      .execute();
    expect(unusedLinks).toEqual([]);
  });

  it('the address of an unconfirmed registration is not corrected without its password or the CSRF token', async () => {
    const acc = await unregisteredIndividual(t.handle);
    const owner = new Browser(t.app, '198.51.100.210');
    expect((await register(owner, acc, 'owner@example.kz')).statusCode).toBe(303);
    const attacker = new Browser(t.app, '198.51.100.211');
    await attacker.get(`/register/unconfirmed?login=${acc.number}`);
    const wrong = await attacker.post('/register/correct', {
      correctLogin: acc.number,
      password: 'Guess-2026-pass',
      email: 'evil@example.kz',
    });
    expect(wrong.statusCode).toBe(400);
    const noCsrf = await attacker.post('/register/correct', {
      _csrf: null,
      correctLogin: acc.number,
      password: PASSWORD,
      email: 'evil@example.kz',
    });
    expect(noCsrf.statusCode).toBe(403);
    expect((await userRow(acc.number)).email).toBe('owner@example.kz');
    const mails = await t.handle.db
      .selectFrom('mail_outbox')
      .select('to_address')
      .where('to_address', '=', 'evil@example.kz')
      .execute()
      .catch(() => []);
    expect(mails).toEqual([]);
  });

  it("a stranger's wrong passwords do not use up the registrant's own address corrections", async () => {
    const acc = await unregisteredIndividual(t.handle);
    const owner = new Browser(t.app, '198.51.100.220');
    expect((await register(owner, acc, 'owner.typo@gmial.com')).statusCode).toBe(303);
    // Someone who knows only the account number (it is printed on every bill) sends three guesses.
    const attacker = new Browser(t.app, '198.51.100.221');
    await attacker.get(`/register/unconfirmed?login=${acc.number}`);
    for (let i = 0; i < 3; i++) {
      const res = await attacker.post('/register/correct', {
        correctLogin: acc.number,
        password: `Guess-${i}-2026-pass`,
        email: 'evil@example.kz',
      });
      expect(res.statusCode).toBe(400);
    }
    // The registrant, with the right password, from their own address.
    await owner.get(`/register/unconfirmed?login=${acc.number}`);
    const fix = await owner.post('/register/correct', {
      correctLogin: acc.number,
      password: PASSWORD,
      email: 'owner.typo@gmail.com',
    });
    expect(fix.statusCode).toBe(200);
    expect((await userRow(acc.number)).email).toBe('owner.typo@gmail.com');
    // Mail stays capped: corrections that proved the password count per login over every client.
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      const elsewhere = new Browser(t.app, `198.51.100.${230 + i}`);
      await elsewhere.get(`/register/unconfirmed?login=${acc.number}`);
      const res = await elsewhere.post('/register/correct', {
        correctLogin: acc.number,
        password: PASSWORD,
        email: `owner.${i}@example.kz`,
      });
      statuses.push(res.statusCode);
    }
    expect(statuses).toEqual([200, 200, 429]);
    expect((await userRow(acc.number)).email).toBe('owner.1@example.kz');
  });

  it('the export needs a session; new pages reflect no script and redirect nowhere else', async () => {
    const anon = new Browser(t.app);
    for (const url of ['/cabinet/my-data.json', '/cabinet/my-data.csv']) {
      const res = await anon.get(url);
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe(`/?next=${encodeURIComponent(url)}`);
    }
    const page = await anon.get('/register/unconfirmed?login=%3Cscript%3Ealert(1)%3C/script%3E');
    expect(page.body).not.toContain('<script>alert(1)');
    for (const url of [
      '/register/correct',
      '/register/sent',
      '/lang/en?next=//evil.example/',
      '/lang/en?next=/%5Cevil.example',
    ]) {
      const res = await anon.get(url);
      const loc = String(res.headers.location ?? '');
      expect([url, loc.startsWith('/') && !loc.startsWith('//')]).toEqual([url, true]);
    }
    expect((await anon.get('/privacy')).statusCode).toBe(200);
  });
});
