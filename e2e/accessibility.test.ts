/**
 * WCAG 2.0, 2.1 and 2.2 levels A and AA on every public and customer page, in kk, ru and en, at
 * 1280 and 375 px: axe-core run in Chromium finds no violation. A failure lists every violation of
 * every page (rule, impact, help, the offending elements) so one run shows all there is to fix.
 */
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../src/demo/demo-catalogue';
import { CABINET_MENU } from '../src/web/layout';
import { type E2eApp, startE2eApp } from './helpers';

const LOCALES = ['kk', 'ru', 'en'] as const;
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** Pages anyone can open (the login page is "/"). */
const PUBLIC_PAGES = [
  '/',
  '/register',
  '/password/forgot',
  '/lookup',
  '/ask',
  '/qa',
  '/map',
  '/notes',
  '/privacy',
];

/** The cabinet: every item of its menu, and the pages under them. */
const CABINET_PAGES = [
  ...CABINET_MENU.map(([, path]) => path as string),
  '/cabinet/readings/history',
  '/cabinet/notifications',
  '/cabinet/tokens',
];

let e: E2eApp;
beforeAll(async () => {
  e = await startE2eApp({ smtp: false, accounts: 20, months: 3 });
}, 300_000);
afterAll(async () => {
  await e?.close();
});

/** The violations axe finds on the page, one readable block each (empty when none). */
async function violations(page: Page, name: string): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  return result.violations.map((v) => {
    const nodes = v.nodes
      .slice(0, 5)
      .map((n) => `      ${n.target.join(' ')}\n        ${n.failureSummary?.replace(/\n/g, '\n        ')}`)
      .join('\n');
    const more = v.nodes.length > 5 ? `\n      …and ${v.nodes.length - 5} more` : '';
    return `${name}: ${v.id} (${v.impact}) ${v.help}\n${nodes}${more}`;
  });
}

async function signIn(page: Page, login: string) {
  await page.goto('/');
  await page.fill('input[name="login"]', login);
  await page.fill('input[name="password"]', DEMO_PASSWORD);
  await Promise.all([
    page.waitForURL(/\/cabinet/),
    page.click('form[action="/login"] button[type="submit"]'),
  ]);
}

describe('accessibility (axe-core, WCAG 2.2 A and AA)', () => {
  it('no violation on any public or customer page in any language on a phone or a wide screen', async () => {
    const found: string[] = [];
    let checked = 0;
    for (const locale of LOCALES) {
      for (const phone of [false, true]) {
        const size = phone ? 375 : 1280;
        const { context, page } = await e.newPage({ locale, phone });
        const check = async (name: string) => {
          found.push(...(await violations(page, `${name} ${locale} ${size}px`)));
          checked++;
        };
        for (const path of PUBLIC_PAGES) {
          await page.goto(path);
          await check(path);
        }
        // A form shown again with its errors: the failed login.
        await page.goto('/');
        await page.fill('input[name="login"]', '01003317');
        await page.fill('input[name="password"]', 'wrong-password');
        await page.click('form[action="/login"] button[type="submit"]');
        await page.locator('main .notice-error').waitFor();
        await check('failed login');
        await signIn(page, '02015213');
        for (const path of CABINET_PAGES) {
          await page.goto(path);
          await check(path);
        }
        if (phone) {
          // The phone menu opened.
          await page.click('nav.cabinet-menu summary');
          await check('/cabinet/readings/history menu open');
        }
        await context.close();
      }
    }
    expect(checked).toBe(LOCALES.length * 2 * (PUBLIC_PAGES.length + 1 + CABINET_PAGES.length) + 3);
    expect(found, `axe found:\n\n${found.join('\n\n')}\n`).toEqual([]);
  }, 600_000);
});
