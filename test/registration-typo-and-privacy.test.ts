import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unregisteredIndividual } from '../e2e/helpers';
import { Browser, type TestApp, testApp, textOf } from './helpers/app';
import { demoDatabase } from './helpers/db';
import { householdPost } from './helpers/registration';
import { deliverAllAlong, linkIn, type SmtpInbox, startSmtpInbox } from './helpers/smtp';

let t: TestApp;
let inbox: SmtpInbox;
let stopDelivery: () => Promise<void>;
beforeAll(async () => {
  t = await testApp(await demoDatabase({ accounts: 30, months: 2 }));
  inbox = await startSmtpInbox();
  stopDelivery = deliverAllAlong(t.handle.db, inbox.url);
});
afterAll(async () => {
  await stopDelivery?.();
  await inbox?.close();
  await t?.close();
});

const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const PASSWORD = 'Su-arnasy-2026';

async function register(b: Browser, acc: { number: string; surname: string }, email: string) {
  await b.get('/register');
  const res = await b.post('/register', householdPost(acc, { firstName: 'Асан', email, password: PASSWORD }));
  expect([res.statusCode, res.headers.location]).toEqual([303, '/register/sent']);
}

describe(`a typo in the email at registration, over HTTP (${engine})`, () => {
  it('corrects the address from the "email not confirmed" page: the mail reaches the new address, the old link is dead, the form is rate-limited', async () => {
    const acc = await unregisteredIndividual(t.handle);
    const b = new Browser(t.app, '198.51.100.40');
    b.cookies.set('lang', 'en');
    await register(b, acc, 'asan@gmial.com');
    const typoMail = await inbox.waitFor('asan@gmial.com', 'Confirm your registration');

    const login = await b.login(acc.number, PASSWORD);
    expect(login.headers.location).toBe(`/register/unconfirmed?login=${acc.number}`);
    const page = await b.get(login.headers.location as string);
    expect(textOf(page.body)).toContain('Correct the email');
    expect(textOf(page.body)).toContain('An unconfirmed registration is kept for 72 hours');

    const wrong = await b.post('/register/correct', {
      correctLogin: acc.number,
      password: 'Not-the-2026-pass',
      email: 'asan@gmail.com',
    });
    expect(wrong.statusCode).toBe(400);
    expect(textOf(wrong.body)).toContain('Wrong login or password');
    expect(wrong.body).toContain('value="asan@gmail.com"');

    const ok = await b.post('/register/correct', {
      correctLogin: acc.number,
      password: PASSWORD,
      email: 'asan@gmail.com',
    });
    expect(ok.statusCode).toBe(200);
    expect(textOf(ok.body)).toContain(
      'A confirmation message was sent to asan@gmail.com. The earlier link no longer works.',
    );
    const mail = await inbox.waitFor('asan@gmail.com', 'Confirm your registration');

    const old = await b.get(linkIn(typoMail.text, '/register/confirm'));
    expect(old.statusCode).toBe(400);
    const confirmed = await b.get(linkIn(mail.text, '/register/confirm'));
    expect(confirmed.headers.location).toBe('/?done=confirmed');
    expect((await b.login(acc.number, PASSWORD)).headers.location).toBe('/cabinet');

    // Each attempt mails or tries a password: three an hour per login.
    const other = await unregisteredIndividual(t.handle);
    const c = new Browser(t.app, '198.51.100.41');
    await register(c, other, 'flood@exampel.kz');
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      const res = await c.post('/register/correct', {
        correctLogin: other.number,
        password: PASSWORD,
        email: `flood${i}@example.kz`,
      });
      statuses.push(res.statusCode);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    const audit = await t.handle.db
      .selectFrom('audit_log')
      .select('action')
      .where('subject', '=', other.number)
      .where('action', 'like', 'register.%')
      .orderBy('id')
      .execute();
    expect(audit.map((r) => r.action)).toEqual([
      'register.email_corrected',
      'register.email_corrected',
      'register.email_corrected',
      'register.correct.limited',
    ]);
  });

  it('recovery asked for an unconfirmed login mails no link that changes the password', async () => {
    const acc = await unregisteredIndividual(t.handle);
    const b = new Browser(t.app, '198.51.100.42');
    b.cookies.set('lang', 'ru');
    await register(b, acc, 'stranger@exampel.kz');
    await b.get('/password/forgot');
    await b.post('/password/forgot', { loginOrEmail: acc.number });
    const mail = await inbox.waitFor('stranger@exampel.kz', 'Восстановление пароля');
    expect(mail.text).not.toContain('/password/change');
    expect(mail.text).toContain('этот email ещё не подтверждён');
  });
});

describe(`personal-data consent and export, over HTTP (${engine})`, () => {
  it('shows the privacy page to everyone in kk, ru and en, linked from the footer and the registration checkbox', async () => {
    const b = new Browser(t.app);
    const expected = {
      kk: ['Дербес деректерді өңдеу туралы', '№ 94-V', 'Абоненттік бөлім'],
      ru: ['Об обработке персональных данных', '№ 94-V', 'Абонентский отдел'],
      en: ['About the processing of personal data', 'No. 94-V', 'Subscriber department'],
    };
    for (const [lang, words] of Object.entries(expected)) {
      b.cookies.set('lang', lang);
      const res = await b.get('/privacy');
      expect(res.statusCode).toBe(200);
      for (const w of words) expect(textOf(res.body)).toContain(w);
      expect(textOf(res.body)).toContain('2026-11-30');
      expect(textOf(res.body)).toContain('72');
      const register = await b.get('/register');
      expect(register.body).toMatch(/<footer[\s\S]*href="\/privacy"/);
      expect(register.body.match(/href="\/privacy"/g)?.length).toBe(2);
    }
  });

  it("records the consent with the registration, shows it under personal data, and exports only the signed-in customer's data", async () => {
    const acc = await unregisteredIndividual(t.handle);
    const b = new Browser(t.app, '198.51.100.50');
    b.cookies.set('lang', 'kk');
    await register(b, acc, 'consent.owner@example.kz');
    const user = await t.handle.db
      .selectFrom('users')
      .select('id')
      .where('login', '=', acc.number)
      .executeTakeFirstOrThrow();
    const consent = await t.handle.db
      .selectFrom('personal_data_consents')
      .selectAll()
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect([consent.text_version, consent.locale, consent.ip]).toEqual(['2026-11-30', 'kk', '198.51.100.50']);
    expect(consent.user_agent).toBeTruthy();

    // Not signed in: no export.
    const anonymous = await new Browser(t.app).get('/cabinet/my-data.json');
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toBe('/?next=%2Fcabinet%2Fmy-data.json');

    const mail = await inbox.waitFor('consent.owner@example.kz');
    await b.get(linkIn(mail.text, '/register/confirm'));
    await b.login(acc.number, PASSWORD);
    const personal = await b.get('/cabinet');
    expect(textOf(personal.body)).toContain('мәтін нұсқасы 2026-11-30');
    expect(personal.body).toContain('href="/cabinet/my-data.csv"');

    // A neighbour signed in elsewhere; asking for another login's data in the address changes nothing.
    const neighbour = await unregisteredIndividual(t.handle);
    const n = new Browser(t.app, '198.51.100.51');
    await register(n, neighbour, 'neighbour.two@example.kz');
    const json = await b.get(`/cabinet/my-data.json?login=${neighbour.number}&account=${neighbour.number}`);
    expect(json.statusCode).toBe(200);
    expect(json.headers['content-disposition']).toContain(`my-data-${acc.number}-`);
    const data = JSON.parse(json.body);
    expect(data.profile.login).toBe(acc.number);
    expect(json.body).not.toContain(neighbour.number);
    expect(json.body).not.toContain('neighbour.two@example.kz');
    expect(data.sign_ins.map((s: { action: string }) => s.action)).toEqual(['login']);

    const csv = await b.get('/cabinet/my-data.csv');
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csv.body).toContain(`login;${acc.number}`);
    const exports = await t.handle.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'personal.export')
      .where('actor_user_id', '=', user.id)
      .orderBy('id')
      .execute();
    expect(exports.map((e) => e.details)).toEqual([{ format: 'json' }, { format: 'csv' }]);
  });
});
