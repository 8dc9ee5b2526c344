import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unregisteredIndividual, unregisteredLegal } from '../e2e/helpers';
import { accountWithAddress } from '../src/accounts/accounts.queries';
import { buildApp } from '../src/app';
import { legalLoginFromContract } from '../src/auth/legal-login';
import { hashSecret } from '../src/auth/tokens';
import { loadConfig } from '../src/config';
import { Browser, type TestApp, testApp, textOf } from './helpers/app';
import { demoDatabase } from './helpers/db';
import { linkIn } from './helpers/smtp';

let t: TestApp;
beforeAll(async () => {
  t = await testApp(await demoDatabase({ accounts: 40, months: 2 }));
});
afterAll(async () => t?.close());

const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const PASSWORD = 'Su-arnasy-2026';
/** The IIN the registrants of these tests give (a valid check digit). */
const HOLDER_IIN = '900101301233';

const lastMailTo = async (to: string) =>
  t.handle.db
    .selectFrom('mail_outbox')
    .selectAll()
    .where('to_address', '=', to)
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();

const auditActions = async (subject?: string) =>
  (
    await t.handle.db
      .selectFrom('audit_log')
      .select('action')
      .$if(subject !== undefined, (q) => q.where('subject', '=', subject!))
      .orderBy('id')
      .execute()
  ).map((r) => r.action);

async function registerIndividual(b: Browser, input: Record<string, string>) {
  await b.get('/register');
  return b.post('/register', {
    kind: 'individual',
    firstName: 'Айгүл',
    binIin: HOLDER_IIN,
    password: PASSWORD,
    passwordRepeat: PASSWORD,
    consent: '1',
    ...input,
  });
}

describe(`registration (${engine})`, () => {
  it('registers an individual, refuses login until the emailed link is opened, then logs in', async () => {
    const acc = await unregisteredIndividual(t.handle);
    const b = new Browser(t.app);
    b.cookies.set('lang', 'en');
    const res = await registerIndividual(b, {
      lastName: acc.surname.toUpperCase(),
      account: acc.number,
      email: 'aigul@example.kz',
    });
    // Post/redirect/get: the result page has an address of its own, and keeps its message in
    // another language (the language switch after a registration used to show an empty form).
    expect([res.statusCode, res.headers.location]).toEqual([303, '/register/sent']);
    const sent = await b.get('/register/sent');
    expect(textOf(sent.body)).toContain('A confirmation message was sent to aigul@example.kz');
    b.cookies.set('lang', 'ru');
    expect(textOf((await b.get('/register/sent')).body)).toContain(
      'Письмо с подтверждением отправлено на aigul@example.kz',
    );
    b.cookies.set('lang', 'en');
    // Another browser has no result to show: the form.
    const stranger = await new Browser(t.app).get('/register/sent');
    expect([stranger.statusCode, stranger.headers.location]).toEqual([303, '/register']);
    const user = await t.handle.db
      .selectFrom('users')
      .selectAll()
      .where('login', '=', acc.number)
      .executeTakeFirstOrThrow();
    expect(user.email_confirmed_at).toBeNull();
    expect(user.password_hash).toMatch(/^\$argon2id\$/);
    // The IIN is personal data: only its hash is kept.
    expect(user.iin_hash).toMatch(/^\$argon2id\$/);
    expect(JSON.stringify(user)).not.toContain(HOLDER_IIN);
    expect(user.locale).toBe('en');

    // Login refused while unconfirmed, with an offer to resend.
    const refused = await b.login(acc.number, PASSWORD);
    expect(refused.statusCode).toBe(303);
    expect(refused.headers.location).toBe(`/register/unconfirmed?login=${acc.number}`);
    const page = await b.get(refused.headers.location as string);
    expect(textOf(page.body)).toContain('To log in, confirm your email');
    expect(page.body).toContain('action="/register/resend"');
    expect(b.cookies.has('sid')).toBe(false);

    const mail = await lastMailTo('aigul@example.kz');
    expect(mail.subject).toBe('Confirm your registration');
    expect(mail.html_body).toContain('Confirm registration');
    const link = linkIn(mail.text_body, '/register/confirm');
    // The token is stored only as its hash.
    const token = new URL(link, 'http://x').searchParams.get('token')!;
    const stored = await t.handle.db
      .selectFrom('one_time_tokens')
      .select('token_hash')
      .where('user_id', '=', user.id)
      .execute();
    expect(stored.map((s) => s.token_hash)).toContain(hashSecret(token));
    expect(stored.map((s) => s.token_hash)).not.toContain(token);

    const confirmed = await b.get(link);
    expect(confirmed.headers.location).toBe('/?done=confirmed');
    expect(textOf((await b.get('/?done=confirmed')).body)).toContain(
      'Registration confirmed. Please log in.',
    );
    // The link works once.
    expect((await b.get(link)).statusCode).toBe(400);

    const ok = await b.login(acc.number, PASSWORD);
    expect(ok.headers.location).toBe('/cabinet');
    const cabinet = await b.get('/cabinet');
    expect(textOf(cabinet.body)).toContain(acc.number);
    expect(await auditActions(acc.number)).toEqual(
      expect.arrayContaining(['register', 'login.unconfirmed', 'login']),
    );
  });

  it('refuses a wrong surname, saying nothing about the account, and keeps what was typed', async () => {
    const acc = await unregisteredIndividual(t.handle, []);
    const b = new Browser(t.app);
    b.cookies.set('lang', 'ru');
    const res = await registerIndividual(b, {
      lastName: 'Несуществующая',
      account: acc.number,
      email: 'wrong@example.kz',
    });
    expect(res.statusCode).toBe(400);
    expect(textOf(res.body)).toContain('Лицевой счёт с таким номером и фамилией владельца не найден.');
    expect(res.body).toContain(`value="${acc.number}"`);
    expect(res.body).toContain('value="Несуществующая"');
    // Same answer for an account that does not exist.
    const missing = await registerIndividual(b, {
      lastName: acc.surname,
      account: '99999999',
      email: 'w@example.kz',
    });
    expect(textOf(missing.body)).toContain('Лицевой счёт с таким номером и фамилией владельца не найден.');
    expect(
      await t.handle.db.selectFrom('users').where('login', '=', acc.number).select('id').execute(),
    ).toEqual([]);
  });

  it('requires consent and matching passwords, with the message next to the field', async () => {
    const acc = await unregisteredIndividual(t.handle);
    const b = new Browser(t.app);
    b.cookies.set('lang', 'kk');
    const res = await registerIndividual(b, {
      lastName: acc.surname,
      account: acc.number,
      email: 'c@example.kz',
      consent: '',
      passwordRepeat: 'другой-1',
    });
    expect(res.statusCode).toBe(400);
    const text = textOf(res.body);
    expect(text).toContain('дербес деректерді өңдеуге келісім қажет');
    expect(text).toContain('Құпия сөздер сәйкес келмейді.');
  });

  it('refuses an account that already has a user', async () => {
    const b = new Browser(t.app);
    b.cookies.set('lang', 'en');
    // 02015213 is a demo account with a cabinet user.
    const owner = await t.handle.db
      .selectFrom('accounts')
      .select('owner_surname')
      .where('number', '=', '02015213')
      .executeTakeFirstOrThrow();
    const res = await registerIndividual(b, {
      lastName: owner.owner_surname,
      account: '02015213',
      email: 'intruder@example.kz',
    });
    expect(res.statusCode).toBe(400);
    expect(textOf(res.body)).toContain('This personal account is already registered in the cabinet.');
  });

  it('registers a legal entity by BIN and contract number, with the login made from the contract', async () => {
    const legal = await unregisteredLegal(t.handle);
    const b = new Browser(t.app);
    b.cookies.set('lang', 'en');
    await b.get('/register?kind=legal');
    const form = {
      kind: 'legal',
      binIin: legal.bin,
      contract: legal.contract.toLowerCase(),
      email: 'office@company.example.kz',
      password: PASSWORD,
      passwordRepeat: PASSWORD,
      consent: '1',
    };
    // An invalid BIN (check digit off by one) is refused next to the field.
    const badBin = `${legal.bin.slice(0, 11)}${(Number(legal.bin[11]) + 1) % 10}`;
    const bad = await b.post('/register', { ...form, binIin: badBin });
    expect(bad.statusCode).toBe(400);
    expect(textOf(bad.body)).toContain('Invalid IIN / BIN: 12 digits, the last one a check digit.');
    // A valid BIN of another company.
    const other = await b.post('/register', { ...form, binIin: '020540001237' });
    expect(textOf(other.body)).toContain('No legal entity with this BIN and contract number was found.');

    const res = await b.post('/register', form);
    expect(res.statusCode).toBe(303);
    const login = legalLoginFromContract(legal.contract);
    const user = await t.handle.db
      .selectFrom('users')
      .select(['login', 'customer_kind'])
      .where('email', '=', 'office@company.example.kz')
      .executeTakeFirstOrThrow();
    expect(user).toEqual({ login, customer_kind: 'legal' });
    const mail = await lastMailTo('office@company.example.kz');
    await b.get(linkIn(mail.text_body, '/register/confirm'));
    expect((await b.login(login, PASSWORD)).headers.location).toBe('/cabinet');
  });
});

describe(`recovery, email and password (${engine})`, () => {
  async function confirmedUser(email: string) {
    const acc = await unregisteredIndividual(t.handle);
    const b = new Browser(t.app);
    b.cookies.set('lang', 'en');
    await registerIndividual(b, { lastName: acc.surname, account: acc.number, email });
    await b.get(linkIn((await lastMailTo(email)).text_body, '/register/confirm'));
    return { acc, b };
  }

  it('answers the same whether or not the user exists, and the check word works once within 24 h', async () => {
    const { acc } = await confirmedUser('recover@example.kz');
    const b = new Browser(t.app);
    b.cookies.set('lang', 'en');
    await b.get('/password/forgot');
    const unknown = await b.post('/password/forgot', { loginOrEmail: 'nobody@example.kz' });
    const known = await b.post('/password/forgot', { loginOrEmail: 'RECOVER@example.kz' });
    const clean = (html: string) => textOf(html).replace(/value="[^"]*"/g, '');
    expect(unknown.statusCode).toBe(known.statusCode);
    expect(clean(unknown.body).replace('nobody@example.kz', '')).toBe(
      clean(known.body).replace('RECOVER@example.kz', ''),
    );
    const mail = await lastMailTo('recover@example.kz');
    expect(mail.text_body).toContain(`Login: ${acc.number}`);
    const link = linkIn(mail.text_body, '/password/change');
    const word = new URL(link, 'http://x').searchParams.get('word')!;
    const form = await b.get(link);
    expect(form.body).toContain(`value="${word}"`);

    const fields = { binIin: HOLDER_IIN, account: acc.number, login: acc.number, word };
    // A session that must end after the change.
    const other = new Browser(t.app);
    expect((await other.login(acc.number, PASSWORD)).headers.location).toBe('/cabinet');

    const changed = await b.post('/password/change', {
      ...fields,
      password: 'New-pass-2026',
      passwordRepeat: 'New-pass-2026',
    });
    expect(changed.headers.location).toBe('/?done=password');
    expect((await other.get('/cabinet')).statusCode).toBe(303);
    expect((await new Browser(t.app).login(acc.number, 'New-pass-2026')).headers.location).toBe('/cabinet');
    expect((await new Browser(t.app).login(acc.number, PASSWORD)).statusCode).toBe(401);

    // Reused check word.
    const reused = await b.post('/password/change', {
      ...fields,
      password: 'Third-pass-1',
      passwordRepeat: 'Third-pass-1',
    });
    expect(reused.statusCode).toBe(400);
    expect(textOf(reused.body)).toContain('The data does not match or the check word has expired');

    // Expired check word.
    await b.post('/password/forgot', { loginOrEmail: acc.number });
    const word2 = new URL(
      linkIn((await lastMailTo('recover@example.kz')).text_body, '/password/change'),
      'http://x',
    ).searchParams.get('word')!;
    await t.handle.db
      .updateTable('one_time_tokens')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('token_hash', '=', hashSecret(word2))
      .execute();
    const expired = await b.post('/password/change', {
      ...fields,
      word: word2,
      password: 'Third-pass-1',
      passwordRepeat: 'Third-pass-1',
    });
    expect(textOf(expired.body)).toContain('The data does not match or the check word has expired');
    expect((await new Browser(t.app).login(acc.number, 'New-pass-2026')).headers.location).toBe('/cabinet');
    expect(await auditActions(acc.number)).toEqual(
      expect.arrayContaining(['password.reset', 'password.reset_refused']),
    );
  });

  it('changes the email after the new address confirms it, and tells the old one', async () => {
    const { acc, b } = await confirmedUser('old@example.kz');
    await b.login(acc.number, PASSWORD);
    await b.get('/cabinet/email');
    const posted = await b.post('/cabinet/email', { email: 'new@example.kz', current: PASSWORD });
    expect(posted.headers.location).toBe('/cabinet/email?done=sent');
    // The page after the redirect, reloaded (F5 asks for it again): one confirmation mail.
    for (let reload = 0; reload < 2; reload++) {
      const res = await b.get('/cabinet/email?done=sent');
      expect(textOf(res.body)).toContain('A confirmation link was sent to new@example.kz');
    }
    const confirmations = await t.handle.db
      .selectFrom('mail_outbox')
      .select('id')
      .where('to_address', '=', 'new@example.kz')
      .execute();
    expect(confirmations).toHaveLength(1);
    let u = await t.handle.db
      .selectFrom('users')
      .select(['email', 'pending_email'])
      .where('login', '=', acc.number)
      .executeTakeFirstOrThrow();
    expect(u).toEqual({ email: 'old@example.kz', pending_email: 'new@example.kz' });
    const link = linkIn((await lastMailTo('new@example.kz')).text_body, '/cabinet/email/confirm');
    expect((await b.get(link)).headers.location).toBe('/cabinet/email?done=changed');
    u = await t.handle.db
      .selectFrom('users')
      .select(['email', 'pending_email'])
      .where('login', '=', acc.number)
      .executeTakeFirstOrThrow();
    expect(u).toEqual({ email: 'new@example.kz', pending_email: null });
    const told = await lastMailTo('old@example.kz');
    expect(told.subject).toBe('Email changed');
    expect(told.text_body).toContain('new@example.kz');
  });

  it('changes the password with the current one and ends the other sessions', async () => {
    const { acc, b } = await confirmedUser('pw@example.kz');
    await b.login(acc.number, PASSWORD);
    const other = new Browser(t.app);
    await other.login(acc.number, PASSWORD);
    await b.get('/cabinet/password');
    const wrong = await b.post('/cabinet/password', {
      current: 'nope-1234',
      password: 'Fresh-pass-1',
      passwordRepeat: 'Fresh-pass-1',
    });
    expect(textOf(wrong.body)).toContain('The current password is wrong.');
    const failures = async () =>
      (await t.handle.db.selectFrom('login_throttle').selectAll().execute()).filter((r) =>
        JSON.stringify(r).includes(acc.number),
      );
    const before = await failures();
    const posted = await b.post('/cabinet/password', {
      current: PASSWORD,
      password: 'Fresh-pass-1',
      passwordRepeat: 'Fresh-pass-1',
    });
    expect(posted.headers.location).toBe('/cabinet/password?done=changed');
    // The page after the redirect, reloaded: it says so again, and no old password is sent again
    // (refused now, it would count as a failed login).
    for (let reload = 0; reload < 2; reload++) {
      const ok = await b.get('/cabinet/password?done=changed');
      expect(textOf(ok.body)).toContain('Password changed. Sessions on other devices were ended.');
    }
    expect(await failures()).toEqual(before);
    expect((await b.get('/cabinet')).statusCode).toBe(200);
    expect((await other.get('/cabinet')).statusCode).toBe(303);
  });

  it('saves the subscriptions per user', async () => {
    const { acc, b } = await confirmedUser('subs@example.kz');
    await b.login(acc.number, PASSWORD);
    await b.get('/cabinet/subscriptions');
    const res = await b.post('/cabinet/subscriptions', { invoices: '1' });
    expect(textOf(res.body)).toContain('Subscriptions saved.');
    const u = await t.handle.db
      .selectFrom('users')
      .select(['subscribe_invoices', 'subscribe_announcements'])
      .where('login', '=', acc.number)
      .executeTakeFirstOrThrow();
    expect(u).toEqual({ subscribe_invoices: true, subscribe_announcements: false });
  });
});

describe(`security (${engine})`, () => {
  it('refuses a form without its CSRF token', async () => {
    const b = new Browser(t.app);
    await b.get('/register');
    const res = await b.post('/register', { _csrf: null, kind: 'individual' });
    expect(res.statusCode).toBe(403);
    const r2 = await b.post('/password/forgot', { _csrf: null, loginOrEmail: 'x' });
    expect(r2.statusCode).toBe(403);
  });

  it("does not accept a user's session cookie after logout", async () => {
    const b = new Browser(t.app);
    await b.login('01003317', 'Demo-2026!');
    const stolen = b.cookies.get('sid')!;
    expect((await b.get('/cabinet')).statusCode).toBe(200);
    await b.post('/logout', {});
    const thief = new Browser(t.app);
    thief.cookies.set('sid', stolen);
    const res = await thief.get('/cabinet');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toContain('/?next=');
  });

  it('requests arriving together each get their own session: another user, none after logout, none once expired', async () => {
    const logins = ['02015213', '01003317', '03017845'];
    const browsers = await Promise.all(
      logins.map(async (login) => {
        const b = new Browser(t.app);
        expect((await b.login(login, 'Demo-2026!')).statusCode).toBe(303);
        return b;
      }),
    );
    const loggedOut = new Browser(t.app);
    await loggedOut.login('02015213', 'Demo-2026!');
    const stale = loggedOut.cookies.get('sid')!;
    await loggedOut.post('/logout', {});
    loggedOut.cookies.set('sid', stale);
    const expired = new Browser(t.app);
    await expired.login('01003317', 'Demo-2026!');
    const expiredHash = hashSecret(expired.cookies.get('sid')!);
    await t.handle.db
      .updateTable('sessions')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id_hash', '=', expiredHash)
      .execute();

    const pages = await Promise.all(
      [...browsers, loggedOut, expired, ...browsers].map((b) => b.get('/cabinet')),
    );
    for (const [i, login] of [...logins, null, null, ...logins].entries()) {
      if (login === null) {
        expect(pages[i]!.statusCode).toBe(303);
        continue;
      }
      expect(pages[i]!.statusCode).toBe(200);
      expect(textOf(pages[i]!.body)).toContain(login);
      for (const other of logins.filter((l) => l !== login))
        expect(textOf(pages[i]!.body)).not.toContain(other);
    }
    const left = await t.handle.db
      .selectFrom('sessions')
      .select('id_hash')
      .where('id_hash', '=', expiredHash)
      .execute();
    expect(left).toEqual([]);
  });

  it('limits recovery requests per login with a clear message in the user language', async () => {
    const b = new Browser(t.app);
    b.cookies.set('lang', 'ru');
    await b.get('/password/forgot');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await b.post('/password/forgot', { loginOrEmail: '03017845' })).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const last = await b.post('/password/forgot', { loginOrEmail: '03017845' });
    expect(last.statusCode).toBe(429);
    expect(Number(last.headers['retry-after'])).toBeGreaterThan(0);
    expect(textOf(last.body)).toContain('Слишком много попыток');
  });

  it('says next to the field that the recovery form was sent empty', async () => {
    for (const [lang, text] of [
      ['en', 'This field is required.'],
      ['ru', 'Обязательное поле.'],
    ] as const) {
      const b = new Browser(t.app);
      b.cookies.set('lang', lang);
      await b.get('/password/forgot');
      const res = await b.post('/password/forgot', { loginOrEmail: '   ' });
      expect(res.statusCode).toBe(400);
      expect(res.body).toMatch(/class="field has-error"/);
      expect(textOf(res.body)).toContain(text);
    }
  });

  it('counts recovery mails by login and by email against one limit per account; past it the answer is the same, unmailed', async () => {
    const { email } = await t.handle.db
      .selectFrom('users')
      .select('email')
      .where('login', '=', '01003317')
      .executeTakeFirstOrThrow();
    const b = new Browser(t.app);
    await b.get('/password/forgot');
    const statuses: number[] = [];
    for (const value of ['01003317', email!, '01003317', email!.toUpperCase(), '01003317', email!])
      statuses.push((await b.post('/password/forgot', { loginOrEmail: value })).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
    const mails = await t.handle.db
      .selectFrom('mail_outbox')
      .select('id')
      .where('to_address', '=', email!)
      .where('purpose', '=', 'password.recovery')
      .execute();
    expect(mails).toHaveLength(5);
  });

  it('shares the counters between app instances on one database', async () => {
    const second = await buildApp({
      db: t.handle.db,
      config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }),
      engine: t.handle.engine,
    });
    await second.ready();
    try {
      const one = new Browser(t.app);
      const two = new Browser(second);
      await one.get('/register/unconfirmed?login=x');
      await two.get('/register/unconfirmed?login=x');
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) {
        codes.push((await one.post('/register/resend', { login: `nobody${i}` })).statusCode);
        codes.push((await two.post('/register/resend', { login: `nobody${i}` })).statusCode);
      }
      // 10 per IP across both instances: the 11th request, on either, is refused.
      expect(codes.every((c) => c === 200)).toBe(true);
      expect((await two.post('/register/resend', { login: 'nobody9' })).statusCode).toBe(429);
      expect((await one.post('/register/resend', { login: 'nobody9' })).statusCode).toBe(429);
    } finally {
      await second.close();
    }
  });

  it('limits lookups per IP', async () => {
    const b = new Browser(t.app);
    await b.get('/lookup');
    const codes: number[] = [];
    for (let i = 0; i < 31; i++)
      codes.push((await b.post('/lookup', { streetId: '1', house: `${i}`, surname: 'X' })).statusCode);
    expect(codes.slice(0, 30).every((c) => c === 200)).toBe(true);
    expect(codes[30]).toBe(429);
  });

  it('counts the lookups of one address together however its street is written', async () => {
    await t.handle.db.deleteFrom('rate_limits').execute();
    const b = new Browser(t.app, '203.0.113.77');
    await b.get('/lookup');
    const codes: number[] = [];
    for (let i = 0; i < 21; i++) {
      const streetId = ['3', '03', '003'][i % 3]!;
      codes.push(
        (await b.post('/lookup', { streetId, house: i % 2 ? '1' : ' 1 ', surname: `x${i}` })).statusCode,
      );
    }
    expect(codes.slice(0, 20).every((c) => c === 200)).toBe(true);
    expect(codes[20]).toBe(429);
    await t.handle.db.deleteFrom('rate_limits').execute();
  });
});

describe(`account lookup (${engine})`, () => {
  it('finds an account by exact address and surname in any case, and nothing on a near miss', async () => {
    const a = await accountWithAddress(t.handle.db)
      .select(['accounts.number', 'accounts.owner_surname', 'buildings.street_id'])
      .where('accounts.number', '=', '01003317')
      .executeTakeFirstOrThrow();
    // Forget the per-IP lookup counter of the previous test.
    await t.handle.db.deleteFrom('rate_limits').execute();
    const b = new Browser(t.app);
    b.cookies.set('lang', 'en');
    await b.get('/lookup');
    const form = {
      streetId: String(a.street_id),
      house: a.house,
      prefix: a.prefix,
      apartment: a.apartment,
      surname: a.owner_surname.toLowerCase(),
    };
    const hit = await b.post('/lookup', form);
    const text = textOf(hit.body);
    expect(text).toContain('Personal account found');
    expect(text).toContain('01003317');
    expect(hit.body).toMatch(/href="\/breakdown\/anonymous\?token=01003317\.\d+\.[A-Za-z0-9_-]{43}"/);
    const miss = await b.post('/lookup', { ...form, apartment: `${a.apartment}1` });
    expect(textOf(miss.body)).toContain('No personal account was found');
    expect(miss.body).not.toContain('01003317');
    const missSurname = await b.post('/lookup', { ...form, surname: `${a.owner_surname}а` });
    expect(missSurname.body).not.toContain('01003317');
  });
});
