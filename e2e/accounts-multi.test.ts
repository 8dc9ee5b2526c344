/**
 * Several accounts under one login in a real browser, in every language: the add form's messages
 * and kept values, the header switcher at 1280 and 375 px (with and without JavaScript), and the
 * removal behind its confirmation. SCREENSHOTS=dir keeps the pages to look at.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountLinksText } from '../src/accounts/account-links.messages';
import { DEMO_PASSWORD } from '../src/demo/demo-catalogue';
import { type E2eApp, expectMainText, startE2eApp, unregisteredIndividual } from './helpers';

const SHOTS = process.env.SCREENSHOTS;
const LOCALES = ['kk', 'ru', 'en'] as const;

let e: E2eApp;
beforeAll(async () => {
  e = await startE2eApp({ smtp: false, accounts: 30, months: 2 });
}, 300_000);
afterAll(async () => e?.close());

/** How far the page reaches beyond the screen's right edge (0 when it fits). */
const overflow = (page: Page) =>
  page.evaluate(() => document.scrollingElement!.scrollWidth - window.innerWidth);

const shot = async (page: Page, name: string) => {
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
};

async function signIn(page: Page) {
  await page.goto('/');
  await page.fill('input[name="login"]', '01003317');
  await page.fill('input[name="password"]', DEMO_PASSWORD);
  await Promise.all([
    page.waitForURL(/\/cabinet/),
    page.click('form[action="/login"] button[type="submit"]'),
  ]);
}

describe('several accounts under one login in a browser', () => {
  for (const locale of LOCALES) {
    it(`adds, switches and removes an account (${locale}, ${locale === 'ru' ? 'no JavaScript' : 'JavaScript'})`, async () => {
      const t = accountLinksText[locale];
      const other = await unregisteredIndividual(e.handle);
      const context = await e.browser.newContext({
        baseURL: e.baseUrl,
        viewport: { width: 1280, height: 900 },
        javaScriptEnabled: locale !== 'ru',
      });
      await context.addCookies([{ name: 'lang', value: locale, url: e.baseUrl }]);
      const page = await context.newPage();
      await signIn(page);
      // One account: no switcher.
      expect(await page.locator('.account-switcher').count()).toBe(0);

      await page.goto('/cabinet/accounts/add');
      await page.fill('#f-number', other.number);
      await page.fill('#f-surname', 'Қателесова');
      await page.click('main button[type=submit]');
      expect(await page.locator('#f-number-error').textContent()).toBe(t.noMatch);
      expect(await page.inputValue('#f-number')).toBe(other.number);
      expect(await page.inputValue('#f-surname')).toBe('Қателесова');
      await shot(page, `add-account-error-${locale}-1280`);
      await page.setViewportSize({ width: 375, height: 812 });
      expect(await overflow(page), 'add form wider than a phone').toBeLessThanOrEqual(0);
      await shot(page, `add-account-error-${locale}-375`);
      await page.setViewportSize({ width: 1280, height: 900 });

      await page.fill('#f-surname', other.surname.toUpperCase());
      await Promise.all([page.waitForURL(/done=added/), page.click('main button[type=submit]')]);
      await expectMainText(page, t.added(other.number));

      // The switcher lists both; picking the new one shows it on every page.
      const switcher = page.locator('form.account-switcher');
      expect(await switcher.locator('option').count()).toBe(2);
      await switcher.locator('select').selectOption(other.number);
      await Promise.all([page.waitForURL(/\/cabinet$/), switcher.locator('button').click()]);
      expect(await switcher.locator('select').inputValue()).toBe(other.number);
      expect(await page.locator('dl.facts dd').first().textContent()).toBe(other.number);
      await page.goto('/cabinet/readings');
      expect(await page.locator('form.account-switcher select').inputValue()).toBe(other.number);
      expect(await page.locator('main').textContent()).toContain(other.number);
      await shot(page, `switcher-${locale}-1280`);
      await page.setViewportSize({ width: 375, height: 812 });
      expect(await overflow(page), 'switcher wider than a phone').toBeLessThanOrEqual(0);
      const box = await page.locator('form.account-switcher button').boundingBox();
      expect(box!.x + box!.width).toBeLessThanOrEqual(375);
      await shot(page, `switcher-${locale}-375`);

      // Back to the first account, then remove the added one (a confirmation first).
      await page.locator('form.account-switcher select').selectOption('01003317');
      await Promise.all([
        page.waitForURL(/\/cabinet\/readings$/),
        page.locator('form.account-switcher button').click(),
      ]);
      expect(await page.locator('main').textContent()).toContain('01003317');
      await page.goto('/cabinet');
      const row = page.locator('.account-list li', { hasText: other.number });
      await row.locator('summary').click();
      expect(await row.locator('p').textContent()).toBe(t.removeConfirm(other.number));
      await shot(page, `remove-confirm-${locale}-375`);
      await Promise.all([page.waitForURL(/done=removed/), row.locator('button').click()]);
      await expectMainText(page, t.removed(other.number));
      expect(await page.locator('.account-switcher').count()).toBe(0);
      await context.close();
    }, 120_000);
  }
});
