import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2eApp, expectMainText, startE2eApp, unregisteredIndividual } from './helpers';

let e: E2eApp;
beforeAll(async () => {
  e = await startE2eApp({ smtp: false, accounts: 5, months: 1 });
});
afterAll(async () => e?.close());

describe('a page a form lands on, in a real browser', () => {
  it('after a wrong password, switching language and reloading show the login page', async () => {
    const acc = await unregisteredIndividual(e.handle);
    const { context, page } = await e.newPage({ locale: 'ru' });
    await page.goto('/?next=%2Fcabinet%2Freadings');
    await page.fill('#f-login', acc.number);
    await page.fill('#f-password', 'not-the-password-1');
    await page.click('main button[type=submit]');
    await expectMainText(page, 'Неверный логин или пароль.');
    expect(new URL(page.url()).pathname).toBe('/login');

    await page.click('nav.lang a[lang=en]');
    await page.waitForURL('**/login?next=%2Fcabinet%2Freadings');
    expect(await page.locator('main h1').textContent()).toBe('Log in');
    expect(await page.locator('input[name=next]').getAttribute('value')).toBe('/cabinet/readings');

    const reloaded = await page.reload();
    expect(reloaded?.status()).toBe(200);
    expect(await page.locator('main h1').textContent()).toBe('Log in');
    await context.close();
  });
});
