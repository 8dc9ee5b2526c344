import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unregisteredIndividual } from '../e2e/helpers';
import { identityText } from '../src/auth/identity.messages';
import { LOGIN_THROTTLE } from '../src/auth/login-throttle';
import { issueToken } from '../src/auth/one-time-tokens';
import { common } from '../src/i18n/common';
import { Browser, type TestApp, testApp, textOf } from './helpers/app';
import { demoDatabase } from './helpers/db';
import { householdPost } from './helpers/registration';
import { linkIn } from './helpers/smtp';

let t: TestApp;
beforeAll(async () => {
  t = await testApp(await demoDatabase({ accounts: 30, months: 2 }));
});
afterAll(async () => t?.close());

const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const DEMO_PASSWORD = 'Demo-2026!';

/** A browser whose requests come from the given client IP address. */
const client = (ip: string, lang: 'kk' | 'ru' | 'en' = 'en') => {
  const b = new Browser(t.app, ip);
  b.cookies.set('lang', lang);
  return b;
};

/** Posts `times` wrong passwords for a login from one browser; returns the last page. */
async function failLogins(b: Browser, login: string, times: number) {
  await b.get('/');
  let last: Awaited<ReturnType<Browser['post']>> | undefined;
  for (let i = 0; i < times; i++) last = await b.post('/login', { login, password: `wrong-guess-${i}` });
  return last!;
}

/** The text of the page's error notice. */
const errorOf = (html: string) =>
  textOf(/<div class="notice notice-error"[^>]*>([\s\S]*?)<\/div>/.exec(html)?.[1] ?? '');

describe(`login throttling (${engine})`, () => {
  it('ten wrong passwords from one client do not stop the owner logging in from another', async () => {
    const guesser = client('198.51.100.10');
    const pages = [];
    await guesser.get('/');
    for (let i = 0; i < 10; i++)
      pages.push(await guesser.post('/login', { login: '02015213', password: `guess-${i}` }));
    // The owner, from elsewhere, logs in at once.
    const owner = client('203.0.113.7');
    const ok = await owner.login('02015213', DEMO_PASSWORD);
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/cabinet');
    expect((await owner.get('/cabinet')).statusCode).toBe(200);

    // The guesser is slowed down after the free failures...
    expect(pages.slice(0, LOGIN_THROTTLE.CLIENT_FREE_FAILURES).map((p) => p.statusCode)).toEqual([
      401, 401, 401, 401, 401,
    ]);
    expect(pages[9]!.statusCode).toBe(429);
    expect(Number(pages[9]!.headers['retry-after'])).toBeGreaterThan(0);
    expect(textOf(pages[9]!.body)).toContain(
      'Too many failed attempts to log in with this login from your device',
    );
    // ...even with the right password, while its wait lasts.
    const stillGuessing = await guesser.post('/login', { login: '02015213', password: DEMO_PASSWORD });
    expect(stillGuessing.statusCode).toBe(429);
  });

  it('answers an unknown login with the same messages as a known one, after the same failures', async () => {
    const known = await failLogins(client('198.51.100.21'), '01003317', LOGIN_THROTTLE.CLIENT_FREE_FAILURES);
    const unknown = await failLogins(
      client('198.51.100.22'),
      '09999999',
      LOGIN_THROTTLE.CLIENT_FREE_FAILURES,
    );
    expect(known.statusCode).toBe(401);
    expect(errorOf(unknown.body)).toBe(errorOf(known.body));
    // The next try waits, with the same message and the same wait.
    const knownWait = await client('198.51.100.21').login('01003317', 'x-1');
    const unknownWait = await client('198.51.100.22').login('09999999', 'x-1');
    expect(knownWait.statusCode).toBe(429);
    expect(unknownWait.statusCode).toBe(429);
    expect(errorOf(knownWait.body)).toContain('Try again in 1 min.');
    expect(errorOf(unknownWait.body)).toBe(errorOf(knownWait.body));
    for (const res of [knownWait, unknownWait]) {
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
    }
    // Both logins have the same counters.
    const rows = await t.handle.db
      .selectFrom('login_throttle')
      .select(['login', 'client', 'failures'])
      .where('login', 'in', ['01003317', '09999999'])
      .orderBy('login')
      .orderBy('client')
      .execute();
    expect(rows).toEqual([
      { login: '01003317', client: '*', failures: 5 },
      { login: '01003317', client: '198.51.100.21', failures: 5 },
      { login: '09999999', client: '*', failures: 5 },
      { login: '09999999', client: '198.51.100.22', failures: 5 },
    ]);
  });

  it('makes the wait grow with every failure after it', async () => {
    const ip = '198.51.100.30';
    await failLogins(client(ip), 'grow-login', LOGIN_THROTTLE.CLIENT_FREE_FAILURES);
    const waitText = () => client(ip).login('grow-login', 'x-2');
    expect(errorOf((await waitText()).body)).toContain('Try again in 1 min.');
    // The wait is over: one more failure, and the next wait is twice as long.
    const endWait = () =>
      t.handle.db
        .updateTable('login_throttle')
        .set({ last_failure_at: new Date(Date.now() - 3 * 3600_000) })
        .where('login', '=', 'grow-login')
        .execute();
    await endWait();
    expect((await waitText()).statusCode).toBe(401);
    expect(errorOf((await waitText()).body)).toContain('Try again in 2 min.');
    await endWait();
    expect((await waitText()).statusCode).toBe(401);
    expect(errorOf((await waitText()).body)).toContain('Try again in 4 min.');
  });

  it('past many failures from many clients, the right password gets a mailed sign-in link, and an unknown login reads the same', async () => {
    const user = await t.handle.db
      .selectFrom('users')
      .select(['id', 'email'])
      .where('login', '=', '03017845')
      .executeTakeFirstOrThrow();
    const clients = LOGIN_THROTTLE.PROTECT_AFTER / LOGIN_THROTTLE.CLIENT_FREE_FAILURES;
    for (let i = 0; i < clients; i++) {
      await failLogins(client(`192.0.2.${i + 1}`), '03017845', LOGIN_THROTTLE.CLIENT_FREE_FAILURES);
      await failLogins(client(`192.0.2.${i + 101}`), 'nobody-here', LOGIN_THROTTLE.CLIENT_FREE_FAILURES);
    }
    const mailsBefore = await t.handle.db
      .selectFrom('mail_outbox')
      .select('id')
      .where('to_address', '=', user.email!)
      .execute();

    // A wrong password, an unknown login and the right password: one answer.
    const wrong = await client('203.0.113.50').login('03017845', 'still-wrong-1');
    const unknown = await client('203.0.113.51').login('nobody-here', 'still-wrong-1');
    const owner = client('203.0.113.52');
    const right = await owner.login('03017845', DEMO_PASSWORD);
    expect([wrong.statusCode, unknown.statusCode, right.statusCode]).toEqual([401, 401, 401]);
    expect(errorOf(right.body)).toContain('the password alone is not enough');
    expect(errorOf(wrong.body)).toBe(errorOf(right.body));
    expect(errorOf(unknown.body)).toBe(errorOf(right.body));
    expect(owner.cookies.has('sid')).toBe(false);

    // Only the right password mailed a link, to the owner's address.
    const mails = await t.handle.db
      .selectFrom('mail_outbox')
      .selectAll()
      .where('to_address', '=', user.email!)
      .orderBy('id')
      .execute();
    expect(mails.length).toBe(mailsBefore.length + 1);
    const mail = mails.at(-1)!;
    expect(mail.purpose).toBe('login.link');
    expect(mail.text_body).toContain('70-08-78');
    const link = linkIn(mail.text_body, '/login/link');
    const opened = await owner.get(link);
    expect(opened.headers.location).toBe('/cabinet');
    expect((await owner.get('/cabinet')).statusCode).toBe(200);
    // The link works once.
    const again = await client('203.0.113.53').get(link);
    expect(again.statusCode).toBe(400);
  }, 180_000);
});

describe(`email change asks for the password (${engine})`, () => {
  it('refuses without or with a wrong password; with the right one ends the other sessions and tells the old address', async () => {
    const user = await t.handle.db
      .selectFrom('users')
      .select(['id', 'email'])
      .where('login', '=', '01003317')
      .executeTakeFirstOrThrow();
    const oldEmail = user.email!;
    const b = client('203.0.113.80', 'ru');
    expect((await b.login('01003317', DEMO_PASSWORD)).headers.location).toBe('/cabinet');
    const other = client('203.0.113.81');
    expect((await other.login('01003317', DEMO_PASSWORD)).headers.location).toBe('/cabinet');
    const page = await b.get('/cabinet/email');
    expect(page.body).toContain('name="current"');

    const pendingOf = async () =>
      (
        await t.handle.db
          .selectFrom('users')
          .select(['email', 'pending_email'])
          .where('id', '=', user.id)
          .executeTakeFirstOrThrow()
      ).pending_email;
    const missing = await b.post('/cabinet/email', { email: 'taken.over@example.kz' });
    expect(missing.statusCode).toBe(400);
    expect(textOf(missing.body)).toContain('Обязательное поле.');
    expect(missing.body).toContain('value="taken.over@example.kz"');
    const wrong = await b.post('/cabinet/email', {
      email: 'taken.over@example.kz',
      current: 'not-the-password-1',
    });
    expect(wrong.statusCode).toBe(400);
    expect(textOf(wrong.body)).toContain('Текущий пароль неверен.');
    expect(await pendingOf()).toBeNull();
    expect(
      await t.handle.db
        .selectFrom('mail_outbox')
        .select('id')
        .where('to_address', '=', 'taken.over@example.kz')
        .execute(),
    ).toEqual([]);
    expect((await other.get('/cabinet')).statusCode).toBe(200);
    // Without the right password the page does not tell whether another user has the address.
    const takenEmail = (
      await t.handle.db
        .selectFrom('users')
        .select('email')
        .where('login', '=', '02015213')
        .executeTakeFirstOrThrow()
    ).email!;
    const probe = await b.post('/cabinet/email', { email: takenEmail, current: 'not-the-password-2' });
    expect(probe.statusCode).toBe(400);
    expect(textOf(probe.body)).toContain('Текущий пароль неверен.');
    expect(textOf(probe.body)).not.toContain(identityText.ru.register.emailTaken);
    const proven = await b.post('/cabinet/email', { email: takenEmail, current: DEMO_PASSWORD });
    expect(proven.statusCode).toBe(400);
    expect(textOf(proven.body)).toContain(identityText.ru.register.emailTaken);

    const posted = await b.post('/cabinet/email', {
      email: 'moved.owner@example.kz',
      current: DEMO_PASSWORD,
    });
    expect(posted.statusCode).toBe(303);
    const ok = await b.get(posted.headers.location as string);
    expect(textOf(ok.body)).toContain('Сеансы на других устройствах завершены.');
    expect(await pendingOf()).toBe('moved.owner@example.kz');
    // The current session stays, the other one is gone.
    expect((await b.get('/cabinet')).statusCode).toBe(200);
    expect((await other.get('/cabinet')).statusCode).toBe(303);
    // The old address is told, in the user's language, with how to report it.
    const notice = await t.handle.db
      .selectFrom('mail_outbox')
      .selectAll()
      .where('to_address', '=', oldEmail)
      .where('purpose', '=', 'email.change_requested')
      .executeTakeFirstOrThrow();
    const { locale } = await t.handle.db
      .selectFrom('users')
      .select('locale')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(notice.subject).toBe(identityText[locale].mail.emailChangeRequestedSubject);
    expect(notice.text_body).toContain('moved.owner@example.kz');
    expect(notice.text_body).toContain(common[locale].footer.phone);
    expect(notice.text_body).toContain('/ask');
  });
});

describe(`a session is no way around the login throttle (${engine})`, () => {
  it('wrong current passwords on the email page slow that client down like failed logins', async () => {
    const b = client('203.0.113.85');
    expect((await b.login('02015213', DEMO_PASSWORD)).headers.location).toBe('/cabinet');
    await b.get('/cabinet/email');
    for (let i = 0; i < LOGIN_THROTTLE.CLIENT_FREE_FAILURES; i++) {
      const res = await b.post('/cabinet/email', { email: 'thief@example.kz', current: `guess-${i}-x` });
      expect(textOf(res.body)).toContain('The current password is wrong.');
    }
    const right = await b.post('/cabinet/email', { email: 'thief@example.kz', current: DEMO_PASSWORD });
    expect(right.statusCode).toBe(400);
    expect(errorOf(right.body)).toBe('');
    expect(textOf(right.body)).toContain('Try again in 1 min.');
    const u = await t.handle.db
      .selectFrom('users')
      .select('pending_email')
      .where('login', '=', '02015213')
      .executeTakeFirstOrThrow();
    expect(u.pending_email).toBeNull();
  });
});

describe(`password recovery proves the holder (${engine})`, () => {
  const PASSWORD = 'Su-arnasy-2026';
  const HOLDER_IIN = '850615400175';
  /** Another person's IIN, with a valid check digit. */
  const OTHER_IIN = '921203500447';

  /** Registers and confirms a household that gave HOLDER_IIN; returns its login. */
  async function registeredHousehold(email: string): Promise<string> {
    const acc = await unregisteredIndividual(t.handle);
    const b = client('203.0.113.90');
    await b.get('/register');
    const res = await b.post(
      '/register',
      householdPost(acc, { firstName: 'Дана', email, password: PASSWORD, binIin: HOLDER_IIN }),
    );
    expect(res.statusCode).toBe(303);
    const mail = await lastMailTo(email);
    await b.get(linkIn(mail.text_body, '/register/confirm'));
    return acc.number;
  }

  const lastMailTo = (to: string) =>
    t.handle.db
      .selectFrom('mail_outbox')
      .selectAll()
      .where('to_address', '=', to)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();

  async function checkWord(b: Browser, login: string, email: string): Promise<string> {
    await b.get('/password/forgot');
    await b.post('/password/forgot', { loginOrEmail: login });
    const link = linkIn((await lastMailTo(email)).text_body, '/password/change');
    return new URL(link, 'http://x').searchParams.get('word')!;
  }

  it("refuses a valid IIN that is not the holder's, and takes the holder's", async () => {
    const login = await registeredHousehold('holder@example.kz');
    const b = client('203.0.113.91');
    const word = await checkWord(b, login, 'holder@example.kz');
    const form = {
      account: login,
      login,
      word,
      password: 'Stolen-2026-pass',
      passwordRepeat: 'Stolen-2026-pass',
    };
    const guessed = await b.post('/password/change', { ...form, binIin: OTHER_IIN });
    expect(guessed.statusCode).toBe(400);
    expect(textOf(guessed.body)).toContain('The data does not match or the check word has expired');
    expect((await client('203.0.113.92').login(login, 'Stolen-2026-pass')).statusCode).toBe(401);

    // The holder, with the same check word (a refusal does not use it up).
    const ok = await b.post('/password/change', {
      ...form,
      binIin: HOLDER_IIN,
      password: 'Mine-2026-pass',
      passwordRepeat: 'Mine-2026-pass',
    });
    expect(ok.headers.location).toBe('/?done=password');
    expect((await client('203.0.113.92').login(login, 'Mine-2026-pass')).headers.location).toBe('/cabinet');
  });

  it('answers the same whatever part was wrong', async () => {
    const login = await registeredHousehold('same.answer@example.kz');
    const b = client('203.0.113.93');
    const word = await checkWord(b, login, 'same.answer@example.kz');
    const good = {
      binIin: HOLDER_IIN,
      account: login,
      login,
      word,
      password: 'Other-2026-pass',
      passwordRepeat: 'Other-2026-pass',
    };
    const answers = [];
    for (const wrong of [
      { binIin: OTHER_IIN },
      { account: '99999999' },
      { word: 'not-the-word' },
      { login: '09999998' },
    ]) {
      const res = await b.post('/password/change', { ...good, ...wrong });
      expect(res.statusCode).toBe(400);
      answers.push(errorOf(res.body));
    }
    expect(answers[0]).toContain('The data does not match');
    expect(new Set(answers).size).toBe(1);
    const refused = await t.handle.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'password.reset_refused')
      .where('subject', 'in', [login, '09999998'])
      .execute();
    expect(refused.length).toBe(4);
  });

  it('a household registered before IINs were asked cannot be taken over with any IIN; its mail says whom to call', async () => {
    const b = client('203.0.113.94');
    const user = await t.handle.db
      .selectFrom('users')
      .select(['id', 'email', 'iin_hash'])
      .where('login', '=', '02015213')
      .executeTakeFirstOrThrow();
    expect(user.iin_hash).toBeNull();
    await b.get('/password/forgot');
    await b.post('/password/forgot', { loginOrEmail: '02015213' });
    const mail = await lastMailTo(user.email!);
    expect(mail.purpose).toBe('password.recovery');
    expect(mail.text_body).toContain('70-08-78');
    expect(mail.text_body).not.toContain('/password/change');
    // Even with a valid check word (as an operator's reset link carries one), no IIN passes.
    const word = await issueToken(t.handle.db, user.id, 'reset_password');
    for (const binIin of [OTHER_IIN, HOLDER_IIN]) {
      const res = await b.post('/password/change', {
        binIin,
        account: '02015213',
        login: '02015213',
        word,
        password: 'Taken-2026-pass',
        passwordRepeat: 'Taken-2026-pass',
      });
      expect(res.statusCode).toBe(400);
    }
    expect((await client('203.0.113.96').login('02015213', 'Taken-2026-pass')).statusCode).toBe(401);
  });

  it("asks a household for the holder's IIN at registration, and the billing system's one when it has it", async () => {
    const acc = await unregisteredIndividual(t.handle);
    await t.handle.db
      .updateTable('accounts')
      .set({ bin_iin: HOLDER_IIN })
      .where('number', '=', acc.number)
      .execute();
    const b = client('203.0.113.97');
    await b.get('/register');
    expect((await b.get('/register')).body).toContain('name="binIin"');
    const form = {
      kind: 'individual',
      firstName: 'Дана',
      lastName: acc.surname,
      account: acc.number,
      email: 'billing.known@example.kz',
      password: PASSWORD,
      passwordRepeat: PASSWORD,
      consent: '1',
    };
    const missing = await b.post('/register', form);
    expect(missing.statusCode).toBe(400);
    expect(textOf(missing.body)).toContain('This field is required.');
    expect(missing.body).toContain(`value="${acc.number}"`);
    const other = await b.post('/register', { ...form, binIin: OTHER_IIN });
    expect(other.statusCode).toBe(400);
    expect(textOf(other.body)).toContain('No personal account with this number and owner surname was found.');
    const ok = await b.post('/register', { ...form, binIin: HOLDER_IIN });
    expect([ok.statusCode, ok.headers.location]).toEqual([303, '/register/sent']);
  });

  it('answers a recovery request the same for a known and an unknown login, writing the same rows', async () => {
    const b = client('203.0.113.95');
    await b.get('/password/forgot');
    const known = await b.post('/password/forgot', { loginOrEmail: '03017845' });
    const unknown = await b.post('/password/forgot', { loginOrEmail: '03017899' });
    expect(unknown.statusCode).toBe(known.statusCode);
    expect(textOf(unknown.body).replace('03017899', '')).toBe(textOf(known.body).replace('03017845', ''));
    const rows = await t.handle.db
      .selectFrom('audit_log')
      .select(['action', 'subject'])
      .where('subject', 'in', ['03017845', '03017899'])
      .where('action', 'like', 'password.%')
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      { action: 'password.reset_requested', subject: '03017845' },
      { action: 'password.reset_requested', subject: '03017899' },
    ]);
    // The requests are counted by the text typed; the mails by the customer it names (asked by
    // login or by email alike), or by the text for nobody.
    const { id } = await t.handle.db
      .selectFrom('users')
      .select('id')
      .where('login', '=', '03017845')
      .executeTakeFirstOrThrow();
    const counters = await t.handle.db
      .selectFrom('rate_limits')
      .select(['key', 'hits'])
      .where('key', 'in', [
        'recovery|03017845',
        'recovery|03017899',
        `recovery.mail|user:${id}`,
        'recovery.mail|typed:03017899',
      ])
      .orderBy('key')
      .execute();
    expect(counters).toEqual([
      { key: 'recovery.mail|typed:03017899', hits: 1 },
      { key: `recovery.mail|user:${id}`, hits: 1 },
      { key: 'recovery|03017845', hits: 1 },
      { key: 'recovery|03017899', hits: 1 },
    ]);
  });

  it('tells nobody through its limits whether a login exists or which login an address belongs to; a mailbox gets 5 recovery mails an hour', async () => {
    await t.handle.db.deleteFrom('rate_limits').execute();
    const b = client('203.0.113.90');
    await b.get('/password/forgot');
    const ask = (value: string) => b.post('/password/forgot', { loginOrEmail: value });
    const { email } = await t.handle.db
      .selectFrom('users')
      .select('email')
      .where('login', '=', '06000901')
      .executeTakeFirstOrThrow();
    const mails = async () =>
      (
        await t.handle.db
          .selectFrom('mail_outbox')
          .select('id')
          .where('to_address', '=', email!)
          .where('purpose', '=', 'password.recovery')
          .execute()
      ).length;
    const before = await mails();
    // A known login and an unknown one, asked 5 times each, then in other letter case: the same.
    const answers: Record<string, number[]> = {};
    for (const login of ['YUL000500', 'YUL777777']) {
      answers[login] = [];
      for (let i = 0; i < 5; i++) answers[login].push((await ask(login)).statusCode);
      answers[login].push((await ask(login.toLowerCase())).statusCode);
    }
    expect(answers).toEqual({
      YUL000500: [200, 200, 200, 200, 200, 429],
      YUL777777: [200, 200, 200, 200, 200, 429],
    });
    // A login asked 5 times, then its address and a stranger's: both answered alike, unmailed past 5.
    for (let i = 0; i < 5; i++) expect((await ask('06000901')).statusCode).toBe(200);
    expect((await ask(email!)).statusCode).toBe(200);
    expect((await ask('someone.else@example.kz')).statusCode).toBe(200);
    expect((await mails()) - before).toBe(5);
    await t.handle.db.deleteFrom('rate_limits').execute();
  });
});
