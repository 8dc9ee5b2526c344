import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { legalLoginFromContract } from '../src/auth/legal-login';
import {
  type E2eApp,
  expectMainText,
  linkIn,
  startE2eApp,
  unregisteredIndividual,
  unregisteredLegal,
} from './helpers';

let e: E2eApp;
beforeAll(async () => {
  e = await startE2eApp({ accounts: 30, months: 2 });
});
afterAll(async () => e?.close());

const PASSWORD = 'Su-arnasy-2026';

describe('identity in a real browser', () => {
  it('registers an individual, confirms by the emailed link, logs in and out', async () => {
    const acc = await unregisteredIndividual(e.handle);
    const { context, page } = await e.newPage({ locale: 'en' });
    await page.goto('/');
    await page.click('text=Register');
    await page.fill('#f-firstName', 'Айгүл');
    await page.fill('#f-lastName', acc.surname.toLowerCase());
    await page.fill('#f-account', acc.number);
    await page.fill('#f-binIin', '900101301233');
    await page.fill('#f-email', 'browser.person@example.kz');
    await page.fill('#f-password', PASSWORD);
    await page.fill('#f-passwordRepeat', PASSWORD);
    await page.check('input[name=consent]');
    await page.click('button[type=submit]');
    await expectMainText(page, 'A confirmation message was sent to browser.person@example.kz');

    // Logging in before confirming is refused with an offer to resend.
    await page.goto('/');
    await page.fill('#f-login', acc.number);
    await page.fill('#f-password', PASSWORD);
    await page.click('main button[type=submit]');
    await expectMainText(page, 'To log in, confirm your email');

    const mail = await e.inbox!.waitFor('browser.person@example.kz', 'Confirm your registration');
    expect(mail.html).toContain('Confirm registration');
    await page.goto(linkIn(mail.text, '/register/confirm'));
    await expectMainText(page, 'Registration confirmed. Please log in.');
    await page.fill('#f-login', acc.number);
    await page.fill('#f-password', PASSWORD);
    await page.click('main button[type=submit]');
    await page.waitForURL('**/cabinet');
    await expectMainText(page, acc.number);
    await page.click('.cabinet-menu button[type=submit]');
    await expectMainText(page, 'You have logged out.');
    await page.goto('/cabinet');
    expect(new URL(page.url()).pathname).toBe('/');
    await context.close();
  });

  it('registers a legal entity: the login comes from the contract number', async () => {
    const legal = await unregisteredLegal(e.handle);
    const login = legalLoginFromContract(legal.contract);
    const { context, page } = await e.newPage({ locale: 'ru' });
    await page.goto('/register');
    await page.click('text=Юридическое лицо');
    // Both tabs have an IIN/BIN field: type only once the company's form has loaded.
    await page.waitForURL('**/register?kind=legal');
    await page.fill('#f-binIin', legal.bin);
    await page.fill('#f-contract', legal.contract);
    expect(await page.inputValue('#f-login')).toBe(login);
    await page.fill('#f-email', 'legal.browser@example.kz');
    await page.fill('#f-password', PASSWORD);
    await page.fill('#f-passwordRepeat', PASSWORD);
    await page.check('input[name=consent]');
    await page.click('main button[type=submit]');
    await expectMainText(page, 'Письмо с подтверждением отправлено');
    const mail = await e.inbox!.waitFor('legal.browser@example.kz', 'Подтверждение регистрации');
    await page.goto(linkIn(mail.text, '/register/confirm'));
    await expectMainText(page, 'Регистрация подтверждена. Пожалуйста, войдите.');
    await page.fill('#f-login', login);
    await page.fill('#f-password', PASSWORD);
    await page.click('main button[type=submit]');
    await page.waitForURL('**/cabinet');
    await expectMainText(page, legal.number);
    await page.click('.cabinet-menu button[type=submit]');
    await expectMainText(page, 'Вы вышли из кабинета.');
    await context.close();
  });

  it('recovers a forgotten password by the emailed check word; the old session ends', async () => {
    // 01003317 is a demo user (email in the demo catalogue), registered before IINs were asked;
    // the billing system knows the holder's IIN, and recovery checks it.
    const user = await e.handle.db
      .selectFrom('users')
      .select(['email', 'login'])
      .where('login', '=', '01003317')
      .executeTakeFirstOrThrow();
    await e.handle.db
      .updateTable('accounts')
      .set({ bin_iin: '850615400175' })
      .where('number', '=', '01003317')
      .execute();
    const old = await e.newPage({ locale: 'kk' });
    await old.page.goto('/');
    await old.page.fill('#f-login', '01003317');
    await old.page.fill('#f-password', 'Demo-2026!');
    await old.page.click('main button[type=submit]');
    await old.page.waitForURL('**/cabinet');

    const { context, page } = await e.newPage({ locale: 'kk' });
    await page.goto('/');
    await page.click('a[href="/password/forgot"]');
    await page.fill('#f-loginOrEmail', user.email!);
    await page.click('main button[type=submit]');
    await expectMainText(page, 'бақылау сөзі бар хат жіберілді');
    const mail = await e.inbox!.waitFor(user.email!, 'Құпия сөзді қалпына келтіру');
    expect(mail.text).toContain('Логин: 01003317');
    await page.goto(linkIn(mail.text, '/password/change'));
    expect(await page.inputValue('#f-login')).toBe('01003317');
    await page.fill('#f-binIin', '850615400175');
    await page.fill('#f-account', '01003317');
    await page.fill('#f-password', 'Zhana-2026-pass');
    await page.fill('#f-passwordRepeat', 'Zhana-2026-pass');
    await page.click('main button[type=submit]');
    await expectMainText(page, 'Құпия сөз өзгертілді');
    await page.fill('#f-login', '01003317');
    await page.fill('#f-password', 'Zhana-2026-pass');
    await page.click('main button[type=submit]');
    await page.waitForURL('**/cabinet');

    await old.page.goto('/cabinet');
    expect(new URL(old.page.url()).pathname).toBe('/');
    await old.context.close();
    await context.close();
  });

  it('changes the email (confirmed from the new mailbox) and the password in the cabinet', async () => {
    const { context, page } = await e.newPage({ locale: 'en' });
    await page.goto('/');
    await page.fill('#f-login', '03017845');
    await page.fill('#f-password', 'Demo-2026!');
    await page.click('main button[type=submit]');
    await page.waitForURL('**/cabinet');
    // The language chosen before login stays (the user's saved one is Kazakh).
    await expectMainText(page, 'Personal data');
    const before = await e.handle.db
      .selectFrom('users')
      .select('email')
      .where('login', '=', '03017845')
      .executeTakeFirstOrThrow();

    await page.click('.cabinet-menu a[href="/cabinet/email"]');
    await page.fill('#f-email', 'moved@example.kz');
    await page.fill('#f-current', 'Demo-2026!');
    await page.click('main button[type=submit]');
    await expectMainText(page, 'A confirmation link was sent to moved@example.kz');
    await expectMainText(page, 'Sessions on other devices were ended.');
    if (before.email) {
      const notice = await e.inbox!.waitFor(before.email, 'Email change requested');
      expect(notice.text).toContain('70-08-78');
    }
    const confirm = await e.inbox!.waitFor('moved@example.kz', 'Confirm your new email');
    await page.goto(linkIn(confirm.text, '/cabinet/email/confirm'));
    await expectMainText(page, 'Email changed.');
    await expectMainText(page, 'moved@example.kz');
    if (before.email) {
      const told = await e.inbox!.waitFor(before.email, 'Email changed');
      expect(told.text).toContain('moved@example.kz');
    }

    await page.click('.cabinet-menu a[href="/cabinet/password"]');
    await page.fill('#f-current', 'Demo-2026!');
    await page.fill('#f-password', 'Better-2026-pass');
    await page.fill('#f-passwordRepeat', 'Better-2026-pass');
    await page.click('main button[type=submit]');
    await expectMainText(page, 'Password changed.');
    await page.click('.cabinet-menu button[type=submit]');
    await page.fill('#f-login', '03017845');
    await page.fill('#f-password', 'Better-2026-pass');
    await page.click('main button[type=submit]');
    await page.waitForURL('**/cabinet');
    await context.close();
  });
});
