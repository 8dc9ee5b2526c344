import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityText } from '../src/auth/identity.messages';
import { monthStart, periodOf } from '../src/calendar/calendar';
import { DEMO_PASSWORD } from '../src/demo/demo-catalogue';
import { formatMeterReading } from '../src/money/litres';
import { readingsText } from '../src/readings/readings.messages';
import { type TestApp, testApp } from '../test/helpers/app';
import { demoDatabase } from '../test/helpers/db';

const SHOTS = process.env.SCREENSHOT_DIR ?? '/tmp/readings-screenshots';
const period = monthStart(periodOf(new Date()));
let t: TestApp;
let browser: Browser;
let base: string;
let cold: number;
let hot: number;

async function previousL(meter: number): Promise<number> {
  const row = await t.handle.db
    .selectFrom('readings')
    .select('value_l')
    .where('meter_id', '=', meter)
    .where('period', '<', period)
    .orderBy('period', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  return row.value_l;
}

const stored = (meter: number) =>
  t.handle.db
    .selectFrom('readings')
    .select(['value_l', 'status'])
    .where('meter_id', '=', meter)
    .where('period', '=', period)
    .orderBy('id')
    .execute();

async function login(page: Page, lang: 'kk' | 'ru' | 'en') {
  await page.goto(`${base}/`);
  await page.fill('input[name="login"]', '02015213');
  await page.fill('input[name="password"]', DEMO_PASSWORD);
  await Promise.all([
    page.waitForURL(/\/cabinet/),
    page.click('form[action="/login"] button[type="submit"]'),
  ]);
  await page.goto(`${base}/lang/${lang}?next=/cabinet/readings`);
}

beforeAll(async () => {
  t = await testApp(await demoDatabase());
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  const id = async (serial: string) =>
    (
      await t.handle.db
        .selectFrom('meters')
        .select('id')
        .where('serial', '=', serial)
        .executeTakeFirstOrThrow()
    ).id;
  cold = await id('31883369');
  hot = await id('31883423');
  await t.handle.db.deleteFrom('readings').where('period', '=', period).execute();
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('meter readings in Chromium', () => {
  it('submits both meters, confirms then cancels a partial submission, corrects a value, sees the chart', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await login(page, 'en');
    const coldInput = page.locator(`#f-m_${cold}`);
    const hotInput = page.locator(`#f-m_${hot}`);
    const coldPrev = await previousL(cold);
    const hotPrev = await previousL(hot);

    // Both meters.
    await coldInput.fill(String((coldPrev + 2_000) / 1000).replace('.', ','));
    await hotInput.fill(String((hotPrev + 1_000) / 1000));
    await Promise.all([page.waitForURL(/done=2/), page.click('button.primary')]);
    await expect(page.locator('.notice-success').textContent()).resolves.toContain(
      'Readings accepted and saved (2)',
    );
    expect(await coldInput.inputValue()).toBe(formatMeterReading(coldPrev + 2_000));
    expect((await stored(cold)).map((r) => r.value_l)).toEqual([coldPrev + 2_000]);

    // Only one meter, confirmed in the dialog.
    await coldInput.fill(formatMeterReading(coldPrev + 2_500));
    await hotInput.fill('');
    await page.click('button.primary');
    const dialog = page.locator('dialog.confirm-dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('You filled in 1 of 2 meters. Submit only those?');
    await Promise.all([page.waitForURL(/done=1/), dialog.locator('button.primary').click()]);
    expect((await stored(cold)).map((r) => r.value_l)).toEqual([coldPrev + 2_000, coldPrev + 2_500]);
    expect(await stored(hot)).toHaveLength(1);

    // Only one meter again, cancelled: nothing is sent, the typed value stays.
    await coldInput.fill('00999.999');
    await hotInput.fill('');
    await page.click('button.primary');
    await dialog.waitFor();
    await dialog.locator('button:not(.primary)').click();
    await dialog.waitFor({ state: 'detached' });
    expect(await coldInput.inputValue()).toBe('00999.999');
    expect(await stored(cold)).toHaveLength(2);

    // The server cannot be reached: the page says so and keeps the values.
    await hotInput.fill(formatMeterReading(hotPrev + 1_100));
    await coldInput.fill(formatMeterReading(coldPrev + 2_600));
    await page.route('**/cabinet/readings', (route) =>
      route.request().method() === 'POST' ? route.abort('connectionrefused') : route.continue(),
    );
    await page.click('button.primary');
    await page.locator('#readings-status .notice-error').waitFor();
    expect(await page.locator('#readings-status').textContent()).toContain(
      'Server connection error. Try again later.',
    );
    expect(await coldInput.inputValue()).toBe(formatMeterReading(coldPrev + 2_600));
    await page.unroute('**/cabinet/readings');
    expect(await stored(cold)).toHaveLength(2);

    // Correct both values now the connection is back.
    await Promise.all([page.waitForURL(/done=2/), page.click('button.primary')]);
    expect((await stored(cold)).map((r) => r.value_l)).toEqual([
      coldPrev + 2_000,
      coldPrev + 2_500,
      coldPrev + 2_600,
    ]);
    expect(await coldInput.inputValue()).toBe(formatMeterReading(coldPrev + 2_600));

    // A consumption above the monthly limit: the confirmation step. Cancel keeps the typed values and
    // stores nothing; confirming stores the reading for operator review.
    const large = formatMeterReading(hotPrev + 50_000);
    await hotInput.fill(large);
    await page.click('button.primary');
    const confirmStep = page.locator('form.readings-form button[name="action"][value="confirm"]');
    await confirmStep.waitFor();
    expect(await page.locator('main').textContent()).toContain('Is the reading right?');
    await page.click('form.readings-form button[name="action"][value="cancel"]');
    await coldInput.waitFor();
    expect(await hotInput.inputValue()).toBe(large);
    expect(await page.locator('main').textContent()).toContain('Nothing was submitted.');
    await page.click('button.primary');
    await confirmStep.waitFor();
    await Promise.all([page.waitForURL(/done=2&flagged=1/), confirmStep.click()]);
    expect((await stored(hot)).at(-1)).toEqual({ value_l: hotPrev + 50_000, status: 'flagged' });

    // The chart is on the page and on the history page.
    expect(await page.locator('svg.chart').count()).toBe(1);
    await page.click('a[href^="/cabinet/readings/history"]');
    const chart = page.locator('svg.chart');
    await chart.waitFor();
    const box = await chart.boundingBox();
    expect(box?.width).toBeGreaterThan(400);
    expect(await chart.locator('text').allTextContents()).toEqual(
      expect.arrayContaining(['m³', 'Cold water', 'Hot water']),
    );
    expect(await page.locator('table.history-table').first().textContent()).toContain(
      formatMeterReading(coldPrev + 2_600),
    );
    await page.close();
  });

  it('keeps readings typed when the session expired through the login, in ru, with the texts in kk and en', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await login(page, 'ru');
    const coldInput = page.locator(`#f-m_${cold}`);
    const hotInput = page.locator(`#f-m_${hot}`);
    await t.handle.db.deleteFrom('readings').where('period', '=', period).execute();
    await page.reload();
    const coldL = (await previousL(cold)) + 3_210;
    const hotL = (await previousL(hot)) + 1_050;
    const coldTyped = formatMeterReading(coldL);
    const hotTyped = formatMeterReading(hotL);
    await coldInput.fill(coldTyped);
    await hotInput.fill(hotTyped);
    // The session ends on the server while the page is open (idle timeout).
    await t.handle.db
      .updateTable('sessions')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .execute();
    await Promise.all([page.waitForURL(/\?expired=readings/), page.click('button.primary')]);
    const notice = page.locator('main .notice-warning');
    expect(await notice.textContent()).toBe(identityText.ru.login.sessionExpiredReadings);
    // The login page's language links keep the notice and where to go back to.
    for (const lang of ['kk', 'en', 'ru'] as const) {
      await page.click(`a[lang="${lang}"][href^="/lang/${lang}"]`);
      await page
        .locator('main .notice-warning', { hasText: identityText[lang].login.sessionExpiredReadings })
        .waitFor();
      expect(page.url()).toContain('expired=readings');
    }
    await page.fill('input[name="login"]', '02015213');
    await page.fill('input[name="password"]', DEMO_PASSWORD);
    await Promise.all([
      page.waitForURL(/\/cabinet\/readings$/),
      page.click('form[action="/login"] button[type="submit"]'),
    ]);
    expect(await coldInput.inputValue()).toBe(coldTyped);
    expect(await hotInput.inputValue()).toBe(hotTyped);
    await page.locator('main .notice-warning', { hasText: readingsText.ru.draftRestored }).waitFor();
    expect(readingsText.kk.draftRestored).not.toBe(readingsText.en.draftRestored);
    // Nothing was sent: no reading stored until the customer submits.
    expect(await stored(cold)).toEqual([]);
    expect(await stored(hot)).toEqual([]);
    await Promise.all([page.waitForURL(/done=2/), page.click('button.primary')]);
    expect(await stored(cold)).toEqual([{ value_l: coldL, status: 'accepted' }]);
    expect(await stored(hot)).toEqual([{ value_l: hotL, status: 'accepted' }]);
    await page.close();
  });

  it('takes screenshots in kk, ru and en at 375 and 1280 px, without sideways scrolling', {
    timeout: 240_000,
  }, async () => {
    for (const lang of ['kk', 'ru', 'en'] as const) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await login(page, lang);
      for (const width of [375, 1280]) {
        await page.setViewportSize({ width, height: 900 });
        for (const [name, path] of [
          ['readings', '/cabinet/readings'],
          ['history', '/cabinet/readings/history'],
        ] as const) {
          await page.goto(`${base}${path}`);
          await page.screenshot({ path: `${SHOTS}/${name}-${lang}-${width}.png`, fullPage: true });
          const overflow = await page.evaluate(
            () => document.documentElement.scrollWidth - window.innerWidth,
          );
          expect(overflow, `${name} ${lang} ${width}`).toBeLessThanOrEqual(0);
        }
      }
      await page.close();
    }
    // The confirmation step without JavaScript.
    const page = await browser.newPage({ viewport: { width: 375, height: 900 }, javaScriptEnabled: false });
    await login(page, 'kk');
    await page.fill(`#f-m_${hot}`, '');
    await page.click('button.primary');
    await page.waitForSelector('input[name="confirm_partial"]', { state: 'attached' });
    expect(await page.locator('main').textContent()).toContain('2 есептегіштің тек 1 көрсеткіші енгізілді');
    await page.screenshot({ path: `${SHOTS}/confirm-kk-375.png`, fullPage: true });
    await page.close();
  });
});
