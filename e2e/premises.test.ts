// A company's 50 premises in Chromium: the overview and the readings form of all accounts, in kk,
// ru and en, at 1280 and 375 px, with screenshots (PREMISES_SCREENSHOTS, default /tmp).
import { mkdirSync } from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monthStart, periodOf } from '../src/calendar/calendar';
import { DEMO_PASSWORD } from '../src/demo/demo-catalogue';
import { COMPANY_LOGIN } from '../src/demo/demo-company-premises';
import { formatMeterReading } from '../src/money/litres';
import { premisesText } from '../src/premises/premises.messages';
import { type E2eApp, expectMainText, startE2eApp } from './helpers';

const SHOTS = process.env.PREMISES_SCREENSHOTS ?? '/tmp/premises-screenshots';
const current = monthStart(periodOf(new Date()));
let e2e: E2eApp;

beforeAll(async () => {
  e2e = await startE2eApp({ smtp: false });
  mkdirSync(SHOTS, { recursive: true });
});
afterAll(async () => e2e?.close());

async function signIn(page: Page) {
  await page.goto('/');
  await page.fill('input[name="login"]', COMPANY_LOGIN);
  await page.fill('input[name="password"]', DEMO_PASSWORD);
  await Promise.all([
    page.waitForURL(/\/cabinet/),
    page.click('form[action="/login"] button[type="submit"]'),
  ]);
}

/** What axe-core finds against WCAG 2.2 A and AA, as in e2e/accessibility.test.ts (empty when nothing). */
async function axe(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  return result.violations.map(
    (v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
}

/** The page is no wider than the window: nothing to scroll sideways on a phone. */
async function fitsWidth(page: Page) {
  const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  expect(widths[0]).toBeLessThanOrEqual(widths[1]!);
}

/** Two meters of two different accounts of the company, with the latest reading of each. */
async function twoMeters() {
  const rows = await e2e.handle.db
    .selectFrom('meters')
    .innerJoin('accounts', 'accounts.id', 'meters.account_id')
    .select(['meters.id', 'accounts.number'])
    .where('accounts.contract_number', 'like', 'ЮЛ-500-%')
    .where('meters.water', '=', 'cold')
    .orderBy('accounts.number')
    .limit(2)
    .execute();
  const latest = async (meterId: number) =>
    (
      await e2e.handle.db
        .selectFrom('readings')
        .select('value_l')
        .where('meter_id', '=', meterId)
        .orderBy('period', 'desc')
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow()
    ).value_l;
  return Promise.all(rows.map(async (r) => ({ ...r, lastL: await latest(r.id) })));
}

describe('the premises of a company with 50 accounts in Chromium', () => {
  for (const lang of ['kk', 'ru', 'en'] as const) {
    it(`shows the overview and takes the readings of all accounts (${lang})`, async () => {
      const t = premisesText[lang];
      await e2e.handle.db
        .deleteFrom('readings')
        .where('period', '=', current)
        .where('source', '=', 'cabinet')
        .execute();
      for (const phone of [false, true]) {
        const { context, page } = await e2e.newPage({ locale: lang, phone });
        const size = phone ? 375 : 1280;
        await signIn(page);
        // The menu lists the overview for a login with many accounts.
        await page.goto('/cabinet');
        expect(await page.locator('a[href="/cabinet/premises"]').count()).toBe(1);
        await page.goto('/cabinet/premises');
        await expectMainText(page, t.intro(50));
        await expectMainText(page, t.shown(1, 20, 50));
        expect(await page.locator('table.premises-table tbody tr').count()).toBe(20);
        await fitsWidth(page);
        expect(await axe(page)).toEqual([]);
        await page.screenshot({ path: `${SHOTS}/premises-${lang}-${size}.png`, fullPage: !phone });

        // Search narrows the list; the last page shows the rest.
        await page.goto('/cabinet/premises?page=3');
        expect(await page.locator('table.premises-table tbody tr').count()).toBe(10);

        await page.goto('/cabinet/premises/readings');
        await expectMainText(page, t.bulk.intro);
        await fitsWidth(page);
        await page.screenshot({ path: `${SHOTS}/premises-readings-${lang}-${size}.png` });
        const [good, bad] = await twoMeters();
        const value = formatMeterReading(good!.lastL + (phone ? 900 : 500));
        await page.fill(`input[name="m_${good!.id}"]`, value);
        await page.fill(`input[name="m_${bad!.id}"]`, '12,34,5');
        await Promise.all([
          page.waitForLoadState('load'),
          page.click('form.bulk-readings-form button[type="submit"]'),
        ]);
        await expectMainText(page, t.bulk.someNotStored);
        await expectMainText(page, t.bulk.stored(1));
        await expectMainText(page, t.bulk.invalid);
        // The refused row keeps what was typed; only the good row is stored.
        expect(await page.inputValue(`input[name="m_${bad!.id}"]`)).toBe('12,34,5');
        const stored = await e2e.handle.db
          .selectFrom('readings')
          .select(['meter_id', 'value_l'])
          .where('period', '=', current)
          .where('meter_id', 'in', [good!.id, bad!.id])
          .where('source', '=', 'cabinet')
          .orderBy('id', 'desc')
          .execute();
        expect(stored.map((r) => r.meter_id)).not.toContain(bad!.id);
        expect(stored[0]).toEqual({ meter_id: good!.id, value_l: good!.lastL + (phone ? 900 : 500) });
        await fitsWidth(page);
        expect(await axe(page)).toEqual([]);
        await page.screenshot({ path: `${SHOTS}/premises-readings-result-${lang}-${size}.png` });
        if (phone) {
          await page.locator(`input[name="m_${bad!.id}"]`).scrollIntoViewIfNeeded();
          await page.screenshot({ path: `${SHOTS}/premises-readings-error-${lang}-${size}.png` });
        }
        await context.close();
      }
    }, 120_000);
  }
});
