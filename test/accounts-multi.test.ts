import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../src/demo/demo-catalogue';
import { Browser, type TestApp, testApp, textOf } from './helpers/app';
import { demoDatabase } from './helpers/db';

const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';

let t: TestApp;
beforeAll(async () => {
  t = await testApp(await demoDatabase());
});
afterAll(async () => t?.close());

const dir = mkdtempSync(join(tmpdir(), 'accounts-multi-test-'));
function pdfText(bytes: Buffer, name: string): string {
  const file = join(dir, `${name}.pdf`);
  writeFileSync(file, bytes);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
}

async function customer(login: string, locale: 'kk' | 'ru' | 'en' = 'en') {
  const b = new Browser(t.app);
  expect((await b.login(login, DEMO_PASSWORD)).statusCode).toBe(303);
  await b.get(`/lang/${locale}?next=/`);
  return b;
}
const db = () => t.handle.db;
const linksOf = async (login: string) =>
  (
    await db()
      .selectFrom('user_accounts')
      .innerJoin('users', 'users.id', 'user_accounts.user_id')
      .innerJoin('accounts', 'accounts.id', 'user_accounts.account_id')
      .select('accounts.number')
      .where('users.login', '=', login)
      .orderBy('accounts.number')
      .execute()
  ).map((r) => r.number);

// Ким (01003317) adds Сәрсенова's account 02015213, which has a cabinet of its own.
describe(`several accounts under one login, through the pages (${engine})`, () => {
  it('the add form keeps what was typed and says what is wrong next to the field, then adds', async () => {
    const b = await customer('01003317', 'ru');
    expect((await b.get('/cabinet/accounts/add')).statusCode).toBe(200);
    const wrong = await b.post('/cabinet/accounts/add', {
      kind: 'individual',
      number: '02015213',
      surname: 'Иванова',
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('value="02015213"');
    expect(wrong.body).toContain('value="Иванова"');
    expect(wrong.body).toMatch(/id="f-number-error">Счёт с такими данными не найден/);
    const unknown = await b.post('/cabinet/accounts/add', {
      kind: 'individual',
      number: '09999999',
      surname: 'Иванова',
    });
    expect(textOf(unknown.body)).toContain('Счёт с такими данными не найден');
    expect(await linksOf('01003317')).toEqual(['01003317']);

    const added = await b.post('/cabinet/accounts/add', {
      kind: 'individual',
      number: '02015213',
      surname: 'сәрсенова',
    });
    expect(added.statusCode).toBe(303);
    expect(added.headers.location).toBe('/cabinet?done=added&account=02015213');
    const page = textOf((await b.get(added.headers.location as string)).body);
    expect(page).toContain('Счёт 02015213 добавлен в ваш список.');
    // A link made by someone else says nothing: an account not on the list, or any text.
    for (const spoof of ['99999999', '99999999 — позвоните +7 700 000 00 00']) {
      for (const kind of ['added', 'removed']) {
        const url = `/cabinet?done=${kind}&account=${encodeURIComponent(kind === 'removed' ? spoof.replace('99999999', '02015213') : spoof)}`;
        const text = textOf((await b.get(url)).body);
        expect(text).not.toContain('добавлен в ваш список');
        expect(text).not.toContain('убран из списка');
      }
    }
    expect(await linksOf('01003317')).toEqual(['01003317', '02015213']);
    // The owner of 02015213 is told, in their language, with the link that undoes it.
    const mail = await db()
      .selectFrom('mail_outbox')
      .innerJoin('users', 'users.email', 'mail_outbox.to_address')
      .select(['mail_outbox.subject', 'mail_outbox.text_body', 'users.locale'])
      .where('users.login', '=', '02015213')
      .where('mail_outbox.purpose', '=', 'account.link_added')
      .executeTakeFirstOrThrow();
    // The adder's login masked: a household's login is its account number, half the proof of adding it.
    expect(mail.text_body).toContain('01****17');
    expect(mail.text_body).not.toContain('01003317');
    expect(mail.text_body).toContain('/accounts/revoke-link?token=');
  });

  it('the header switcher lists both accounts and is remembered for every page, PDF and later login', async () => {
    const b = await customer('01003317');
    const home = await b.get('/cabinet');
    expect(home.body).toContain('action="/cabinet/account"');
    expect(home.body).toMatch(/<option value="01003317" selected(="")?>01003317 — /);
    expect(home.body).toMatch(/<option value="02015213">02015213 — Қазақстан/);

    const chosen = await b.post('/cabinet/account', {
      account: '02015213',
      back: '/cabinet/invoice?period=2020-05&account=01003317',
    });
    expect(chosen.statusCode).toBe(303);
    expect(chosen.headers.location).toBe('/cabinet/invoice?period=2020-05');

    const again = await customer('01003317');
    const invoice = await again.get('/cabinet/invoice?period=2020-05');
    expect(invoice.body).toMatch(/<option value="02015213" selected(="")?>/);
    const text = textOf(invoice.body);
    expect(text).toContain('02015213');
    for (const figure of ['69.32', '111.52', '180.84', '-460.22']) expect(text).toContain(figure);
    const pdf = pdfText((await again.get('/cabinet/invoice.pdf?period=2020-05')).rawPayload, 'chosen');
    expect(pdf).toContain('02015213');
    expect(pdf).not.toContain('01003317');
    // The readings page and the statement follow the choice too; a number in the address still wins.
    expect(textOf((await again.get('/cabinet/readings')).body)).toContain('31883369');
    expect(textOf((await again.get('/cabinet/settlement')).body)).toContain('02015213');
    const explicit = await again.get('/cabinet/settlement?account=01003317');
    expect(explicit.body).toMatch(/<option value="01003317" selected(="")?>/);
    // Changing the range keeps the account the address named.
    expect(explicit.body).toMatch(
      /<form method="get" action="\/cabinet\/settlement"[^>]*><input type="hidden" name="account" value="01003317"/,
    );
  });

  it("another customer's account number never shows their data", async () => {
    const b = await customer('01003317');
    for (const url of [
      '/cabinet?account=03017845',
      '/cabinet/invoice?period=2019-11&account=03017845',
      '/cabinet/invoice.pdf?period=2019-11&account=03017845',
      '/cabinet/breakdown?period=2019-11&account=03017845',
      '/cabinet/settlement?account=03017845',
      '/cabinet/settlement.pdf?from_period=2019-10&to_period=2019-11&account=03017845',
      '/cabinet/settlement.csv?from_period=2019-10&to_period=2019-11&account=03017845',
      '/cabinet/readings?account=03017845',
      '/cabinet/readings/history?account=03017845',
      '/cabinet/readings/history.csv?account=03017845',
    ]) {
      const res = await b.get(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.body, url).not.toContain('Омаров');
    }
    const choose = await b.post('/cabinet/account', { account: '03017845', back: '/cabinet' });
    expect(choose.statusCode).toBe(404);
    const remove = await b.post('/cabinet/accounts/remove', { account: '03017845' });
    expect(remove.statusCode).toBe(404);
  });

  it("the owner's mailed link asks first, removes the link once, and a used or forged link is a clear 4xx", async () => {
    const mail = await db()
      .selectFrom('mail_outbox')
      .select('text_body')
      .where('purpose', '=', 'account.link_added')
      .executeTakeFirstOrThrow();
    const url = /https?:\/\/[^/\s]+(\/accounts\/revoke-link\?token=\S+)/.exec(mail.text_body)?.[1] ?? '';
    const owner = new Browser(t.app);
    const ask = await owner.get(url);
    expect(ask.statusCode).toBe(200);
    // Opening the link removes nothing (a mail scanner may open it).
    expect(await linksOf('01003317')).toEqual(['01003317', '02015213']);
    const token = decodeURIComponent(url.split('token=')[1] ?? '');
    const done = await owner.post('/accounts/revoke-link', { token });
    expect(done.statusCode).toBe(200);
    expect(textOf(done.body)).toContain('01****17');
    expect(textOf(done.body)).not.toContain('01003317');
    expect(await linksOf('01003317')).toEqual(['01003317']);
    expect(await linksOf('02015213')).toEqual(['02015213']);

    const used = await owner.post('/accounts/revoke-link', { token });
    expect(used.statusCode).toBe(400);
    expect(textOf(used.body)).toMatch(/Сілтеме жарамсыз|Ссылка недействительна|This link is not valid/);
    expect((await owner.get(url)).statusCode).toBe(404);
    expect((await owner.get('/accounts/revoke-link?token=forged')).statusCode).toBe(404);
    expect((await owner.get('/accounts/revoke-link')).statusCode).toBe(404);
  });

  it('removing an account asks for a confirmation, keeps the last one, and the switcher goes with one account', async () => {
    const b = await customer('01003317');
    await b.get('/cabinet/accounts/add');
    expect(
      (await b.post('/cabinet/accounts/add', { kind: 'individual', number: '03017845', surname: 'Омаров' }))
        .statusCode,
    ).toBe(303);
    const page = await b.get('/cabinet');
    expect(page.body).toContain('<details><summary>Remove from my list</summary>');
    const removed = await b.post('/cabinet/accounts/remove', { account: '03017845' });
    expect(removed.headers.location).toBe('/cabinet?done=removed&account=03017845');
    expect(textOf((await b.get(removed.headers.location as string)).body)).toContain(
      'Account 03017845 was removed from your list.',
    );
    const last = await b.post('/cabinet/accounts/remove', { account: '01003317' });
    expect(last.headers.location).toBe('/cabinet?done=last&account=01003317');
    const after = await b.get(last.headers.location as string);
    expect(textOf(after.body)).toContain('This is your only account: it cannot be removed.');
    expect(after.body).not.toContain('action="/cabinet/account"');
    expect(await linksOf('01003317')).toEqual(['01003317']);
    // The statement's history of the removed account is still there for its own cabinet.
    const omarov = await customer('03017845');
    expect(
      textOf((await omarov.get('/cabinet/settlement?from_period=2019-10&to_period=2019-11')).body),
    ).toContain('03017845');
  });
});
