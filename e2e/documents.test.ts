import type { AddressInfo } from 'node:net';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../src/demo/demo-catalogue';
import { type TestApp, testApp } from '../test/helpers/app';
import { demoDatabase } from '../test/helpers/db';

/** Screenshots go here when SCREENSHOTS is set (to look at the pages at 1280 and 375 px). */
const SHOTS = process.env.SCREENSHOTS;

let t: TestApp;
let browser: Browser;
let base: string;

beforeAll(async () => {
  t = await testApp(await demoDatabase());
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

async function loggedIn(login: string, locale: 'kk' | 'ru' | 'en', width = 1280) {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${base}/`);
  await page.fill('input[name="login"]', login);
  await page.fill('input[name="password"]', DEMO_PASSWORD);
  await Promise.all([
    page.waitForURL(/\/cabinet/),
    page.click('form[action="/login"] button[type="submit"]'),
  ]);
  await page.goto(`${base}/lang/${locale}?next=/cabinet`);
  return { context, page };
}

describe('money documents in Chromium', () => {
  it('picks a month with the month picker and shows that invoice', async () => {
    const { context, page } = await loggedIn('01003317', 'kk');
    await page.goto(`${base}/cabinet/invoice`);
    await page.click('.month-picker-toggle');
    const panel = page.locator('.month-picker');
    await expect.poll(() => panel.isVisible()).toBe(true);
    expect(await panel.locator('.month-picker-grid button').allTextContents()).toEqual(
      'Қаң Ақп Нау Сәу Мам Мау Шіл Там Қыр Қаз Қар Жел'.split(' '),
    );
    for (let i = 0; i < 6; i++) {
      const back = panel.locator('.month-picker-head button').first();
      if (await back.isDisabled()) break;
      await back.click();
      if ((await panel.locator('strong').textContent()) === '2020') break;
    }
    expect(await panel.locator('strong').textContent()).toBe('2020');
    await panel.locator('.month-picker-grid button', { hasText: 'Мам' }).click();
    await Promise.all([page.waitForURL(/year=2020/), page.click('.period-form button[type="submit"]')]);
    // biome-ignore lint/performance/useDomNodeTextContent: the page's text as it is rendered, blocks on lines of their own
    const text = await page.locator('main').innerText();
    expect(text).toContain('2020 ж. мамыр айына төлем шот-хабарлама');
    expect(text).toContain('7212 / 6712*');
    expect(text).toContain('-6713.04');
    await context.close();
  });

  it('fits a 375 px phone without the page scrolling sideways', async () => {
    for (const locale of ['kk', 'ru', 'en'] as const) {
      for (const width of [1280, 375]) {
        const { context, page } = await loggedIn('01003317', locale, width);
        for (const [name, url] of [
          ['invoice', '/cabinet/invoice?period=2020-05'],
          ['settlement', '/cabinet/settlement'],
        ] as const) {
          await page.goto(`${base}${url}`);
          const overflow = await page.evaluate(
            () => document.documentElement.scrollWidth - window.innerWidth,
          );
          expect(overflow, `${name} ${locale} ${width}`).toBeLessThanOrEqual(0);
          if (SHOTS)
            await page.screenshot({ path: `${SHOTS}/${name}-${locale}-${width}.png`, fullPage: true });
        }
        await context.close();
      }
    }
  }, 120_000);
  it('an invoice billed by norm says what was billed and why, in kk, ru and en', async () => {
    // Statement C's account: 3 residents, its cold meter 30550127 was due for verification on 30.06.2026.
    const expected = {
      en: "Cold water billed by norm: 3 residents × 3.5 m³ = 10.5 m³ — meter 30550127's verification was due 30.06.2026",
      ru: 'Холодная вода начислена по нормативу: 3 прож. × 3.5 м³ = 10.5 м³ — срок поверки прибора учёта 30550127 истёк 30.06.2026',
      kk: 'Суық су норма бойынша есептелді: 3 тұрғын × 3.5 м³ = 10.5 м³ — 30550127 есептегішінің тексеру мерзімі 30.06.2026 болды',
    };
    const notBilled = { en: 'not billed', ru: 'не учтён', kk: 'есептелмеді' };
    for (const locale of ['kk', 'ru', 'en'] as const) {
      const { context, page } = await loggedIn('03017845', locale);
      await page.goto(`${base}/cabinet/invoice?period=2026-10`);
      const notes = (await page.locator('.norm-notes li').allTextContents()).map((x) => x.trim());
      expect(notes[0]).toBe(expected[locale]);
      // The expired meter's row says its volume was not billed; the cold total is the norm billed.
      const row = page.locator('.doc-table tr', { hasText: '30550127' });
      expect((await row.locator('td').last().textContent())?.trim()).toBe(notBilled[locale]);
      const bill = await page.locator('.doc-table').nth(2).textContent();
      expect(bill).toContain('10.500');
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/invoice-norm-${locale}.png`, fullPage: true });
      await context.close();
    }
  });
});
