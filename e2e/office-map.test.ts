/**
 * "Find on the map" in Chromium: a Leaflet map with one marker per office and the list beside it,
 * in every language, at 375 and 1280 px. Nothing may leave the machine: every request to another
 * host is recorded and refused (the tiles then stay grey, which is what the test expects).
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OFFICES } from '../src/public/offices';
import { type E2eApp, startE2eApp } from './helpers';

const SHOTS = process.env.SCREENSHOTS;
const LOCALES = ['kk', 'ru', 'en'] as const;

let e: E2eApp;
beforeAll(async () => {
  e = await startE2eApp({ smtp: false, accounts: 5, months: 1 });
}, 300_000);
afterAll(async () => {
  await e?.close();
});

/** Refuses every request that is not to the app itself; returns the list of refused URLs. */
async function offline(context: BrowserContext): Promise<string[]> {
  const outside: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(e.baseUrl)) return route.continue();
    outside.push(url);
    return route.abort('internetdisconnected');
  });
  return outside;
}

const overflow = (page: Page) =>
  page.evaluate(() => document.scrollingElement!.scrollWidth - window.innerWidth);

describe('the map page', () => {
  it('shows a marker for every office and the list beside it, addresses in the page language', async () => {
    for (const locale of LOCALES) {
      for (const phone of [true, false]) {
        const { context, page } = await e.newPage({ locale, phone });
        const outside = await offline(context);
        const res = await page.goto('/map');
        expect(res?.status()).toBe(200);
        const markers = page.locator('#office-map .leaflet-marker-icon');
        await markers.first().waitFor();
        expect(await markers.count()).toBe(OFFICES.length);
        expect(await page.locator('#office-map').isVisible()).toBe(true);

        // The list: every office with its address, hours and phone in this language.
        const list = page.locator('article.office');
        expect(await list.count()).toBe(OFFICES.length);
        for (const office of OFFICES) {
          const entry = page.locator(`#office-${office.id}`);
          expect(await entry.locator('.office-address').textContent()).toBe(office.address[locale]);
          expect(await entry.locator('.office-hours').textContent()).toContain(office.hours[locale]);
        }

        // A marker's popup names the office, its address, hours and phone.
        const main = OFFICES[0]!;
        await page.locator(`#office-map .leaflet-marker-icon[title="${main.name[locale]}"]`).click();
        const popup = page.locator('.leaflet-popup-content');
        await popup.waitFor();
        const shown = await popup.textContent();
        expect(shown).toContain(main.name[locale]);
        expect(shown).toContain(main.address[locale]);
        expect(shown).toContain(main.hours[locale]);
        expect(shown).toContain(main.phone!);

        // The tile licence's attribution, linking to the copyright page.
        const credit = page.locator(
          '.leaflet-control-attribution a[href="https://www.openstreetmap.org/copyright"]',
        );
        expect(await credit.textContent()).toBe('OpenStreetMap');

        // Leaflet came from us; the only host the page tried is the tile server.
        expect(outside.length).toBeGreaterThan(0);
        for (const url of outside)
          expect(url).toMatch(/^https:\/\/tile\.openstreetmap\.org\/\d+\/\d+\/\d+\.png$/);
        expect(await overflow(page)).toBeLessThanOrEqual(0);
        if (SHOTS)
          await page.screenshot({
            path: `${SHOTS}/map-${locale}-${phone ? 375 : 1280}.png`,
            animations: 'disabled',
          });
        await context.close();
      }
    }
  }, 240_000);

  it('without JavaScript: the list alone, no map and no request leaves the machine', async () => {
    const context = await e.browser.newContext({
      baseURL: e.baseUrl,
      javaScriptEnabled: false,
      viewport: { width: 375, height: 812 },
    });
    const outside = await offline(context);
    const page = await context.newPage();
    await page.goto('/lang/ru?next=/map');
    expect(await page.locator('article.office').count()).toBe(OFFICES.length);
    expect(await page.locator('#office-main .office-address').textContent()).toBe('проспект Шакарима, 180');
    expect(await page.locator('#office-map').isVisible()).toBe(false);
    expect(outside).toEqual([]);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/map-nojs-ru-375.png`, fullPage: true });
    await context.close();
  });

  it('admits the tile server on the map page only; no other page loads anything from another host', async () => {
    const map = await fetch(`${e.baseUrl}/map`);
    const policy = map.headers.get('content-security-policy') ?? '';
    expect(policy).toMatch(/(^|;)img-src 'self' data: https:\/\/tile\.openstreetmap\.org(;|$)/);
    expect(policy).toMatch(/(^|;)script-src 'self'(;|$)/);
    for (const path of ['/', '/qa', '/notes', '/lookup', '/static/app.css']) {
      const res = await fetch(`${e.baseUrl}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-security-policy') ?? '', path).not.toContain('openstreetmap');
    }
    // Leaflet is served from our origin; nothing else of its package is.
    expect((await fetch(`${e.baseUrl}/static/leaflet/leaflet.js`)).status).toBe(200);
    expect((await fetch(`${e.baseUrl}/static/leaflet/images/marker-icon.png`)).status).toBe(200);
    expect((await fetch(`${e.baseUrl}/static/leaflet/leaflet-src.esm.js.map`)).status).toBe(404);
    expect((await fetch(`${e.baseUrl}/static/app.css`)).status).toBe(200);

    const { context, page } = await e.newPage({ locale: 'en' });
    const outside = await offline(context);
    for (const path of ['/', '/qa', '/notes', '/lookup', '/ask']) await page.goto(path);
    expect(outside).toEqual([]);
    await context.close();
  });
});
