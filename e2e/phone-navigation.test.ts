/**
 * The menus on a 375 px phone and a 1280 px screen, in every language: every item reachable, the
 * current page named, logout in view, and no page wider than the screen.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nav } from '../src/backoffice/layout';
import { DEMO_PASSWORD } from '../src/demo/demo-catalogue';
import { common } from '../src/i18n/common';
import { CABINET_MENU } from '../src/web/layout';
import { type E2eApp, startE2eApp } from './helpers';

/** Screenshots go here when SCREENSHOTS is set (to look at the pages). */
const SHOTS = process.env.SCREENSHOTS;
const LOCALES = ['kk', 'ru', 'en'] as const;

let e: E2eApp;
beforeAll(async () => {
  e = await startE2eApp({ smtp: false, accounts: 20, months: 2 });
}, 300_000);
afterAll(async () => {
  await e?.close();
});

async function signIn(page: Page, login: string, landing: RegExp) {
  await page.goto('/');
  await page.fill('input[name="login"]', login);
  await page.fill('input[name="password"]', DEMO_PASSWORD);
  await Promise.all([page.waitForURL(landing), page.click('form[action="/login"] button[type="submit"]')]);
}

/** How far the page reaches beyond the screen's right edge (0 when it fits). */
const overflow = (page: Page) =>
  page.evaluate(() => document.scrollingElement!.scrollWidth - window.innerWidth);

/** Fails unless the element is shown and lies inside the screen's width. */
async function expectOnScreen(page: Page, selector: string, what: string) {
  const element = page.locator(selector);
  expect(await element.isVisible(), `${what} visible`).toBe(true);
  const box = await element.boundingBox();
  const width = page.viewportSize()!.width;
  expect(box, what).not.toBeNull();
  expect(box!.x, `${what} left edge`).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width, `${what} right edge`).toBeLessThanOrEqual(width);
}

const shot = async (page: Page, name: string) => {
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}.png` });
};

/**
 * Checks a menu (`menu` selects its <nav>) on the page at `path`: at 375 px closed it names the
 * current item and shows logout; opened it shows every item; at 1280 px every item shows at once.
 */
async function checkMenu(
  page: Page,
  menu: string,
  labels: string[],
  current: string,
  logout: string,
  name: string,
) {
  const phone = page.viewportSize()!.width < 400;
  expect(await overflow(page), `${name}: page wider than the screen`).toBeLessThanOrEqual(0);
  await expectOnScreen(page, `${menu} .menu-logout button`, `${name}: logout`);
  expect(await page.locator(`${menu} .menu-logout button`).textContent()).toBe(logout);
  if (phone) {
    await expectOnScreen(page, `${menu} summary`, `${name}: menu button`);
    expect(await page.locator(`${menu} summary .menu-current`).textContent()).toBe(current);
    await shot(page, `${name}-closed`);
    await page.click(`${menu} summary`);
  }
  const links = page.locator(`${menu} li a`);
  expect(await links.allTextContents()).toEqual(labels);
  for (let i = 0; i < labels.length; i++)
    await expectOnScreen(page, `${menu} li:nth-child(${i + 1}) a`, `${name}: "${labels[i]}"`);
  expect(await page.locator(`${menu} a[aria-current="page"]`).textContent()).toBe(current);
  await expectOnScreen(page, `${menu} a[aria-current="page"]`, `${name}: current item`);
  await expectOnScreen(page, `${menu} .menu-logout button`, `${name}: logout with the menu open`);
  expect(await overflow(page), `${name}: page wider than the screen, menu open`).toBeLessThanOrEqual(0);
  await shot(page, `${name}-open`);
}

describe('menus on a phone and a wide screen', () => {
  it('the cabinet menu: every item, the current page and logout in reach', async () => {
    for (const locale of LOCALES) {
      for (const phone of [true, false]) {
        const { context, page } = await e.newPage({ locale, phone });
        await signIn(page, '01003317', /\/cabinet/);
        const t = common[locale].menu;
        const labels = CABINET_MENU.map(([key]) => t[key]);
        // The last items were the ones off screen in a sideways strip.
        for (const [key, path] of [
          ['subscriptions', '/cabinet/subscriptions'],
          ['readings', '/cabinet/readings/history'],
        ] as const) {
          await page.goto(path);
          await checkMenu(
            page,
            'nav.cabinet-menu',
            labels,
            t[key],
            t.logout,
            `cabinet-${key}-${locale}-${phone ? 375 : 1280}`,
          );
        }
        // The menu (left open on the phone) leads somewhere: the guide, its last item; then logout.
        await Promise.all([
          page.waitForURL(/\/cabinet\/guide$/),
          page.click('nav.cabinet-menu a[href="/cabinet/guide"]'),
        ]);
        await Promise.all([
          page.waitForURL((url) => url.pathname === '/'),
          page.click('nav.cabinet-menu .menu-logout button'),
        ]);
        await context.close();
      }
    }
  }, 240_000);

  it('the back-office menu: the same on a phone', async () => {
    for (const locale of LOCALES) {
      for (const phone of [true, false]) {
        const { context, page } = await e.newPage({ locale, phone });
        await signIn(page, 'operator', /\/backoffice$/);
        const t = nav[locale];
        const labels = (
          [
            'home',
            'accounts',
            'readings',
            'rates',
            'questions',
            'notes',
            'exchange',
            'notifications',
          ] as const
        ).map((key) => t[key]);
        await page.goto('/backoffice/exchange');
        await checkMenu(
          page,
          'nav.bo-menu',
          labels,
          t.exchange,
          t.logout,
          `backoffice-${locale}-${phone ? 375 : 1280}`,
        );
        await context.close();
      }
    }
  }, 240_000);

  it('the public header: every link and language on screen', async () => {
    for (const locale of LOCALES) {
      for (const phone of [true, false]) {
        const { context, page } = await e.newPage({ locale, phone });
        for (const path of ['/', '/map', '/qa']) {
          await page.goto(path);
          const name = `public${path.replace(/\//g, '-')}-${locale}-${phone ? 375 : 1280}`;
          expect(await overflow(page), `${name}: page wider than the screen`).toBeLessThanOrEqual(0);
          const links = await page.locator('.site-header a, .site-header strong').count();
          expect(links).toBe(1 + 4 + 3);
          for (let i = 0; i < links; i++) {
            const box = await page.locator('.site-header a, .site-header strong').nth(i).boundingBox();
            expect(box, `${name}: header item ${i}`).not.toBeNull();
            expect(box!.x + box!.width, `${name}: header item ${i}`).toBeLessThanOrEqual(
              page.viewportSize()!.width,
            );
          }
          await shot(page, name);
        }
        await context.close();
      }
    }
  }, 240_000);
});
