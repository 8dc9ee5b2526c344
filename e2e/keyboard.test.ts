/**
 * Keyboard only: signing in, submitting meter readings (with the partial-submission dialog) and
 * downloading the invoice with Tab, Shift+Tab, Enter, Space and Escape (and typing the values).
 * Every element the focus lands on shows a focus ring, the focus moves in reading order, and on a
 * phone the menu opens and closes from the keyboard with the focus back on its button.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../src/demo/demo-catalogue';
import { formatMeterReading } from '../src/money/litres';
import { CABINET_MENU } from '../src/web/layout';
import { type E2eApp, startE2eApp } from './helpers';

let e: E2eApp;
beforeAll(async () => {
  e = await startE2eApp({ smtp: false, accounts: 20, months: 3 });
}, 300_000);
afterAll(async () => {
  await e?.close();
});

interface Focused {
  /** What has the focus: "link /path", "input name", "button text", "summary", "region". */
  what: string;
  /** The focus ring: the outline or box-shadow drawn while it matches :focus-visible ("" if none). */
  ring: string;
}

/** The focused element, named for the order list, and its focus ring. */
const focused = (page: Page): Promise<Focused> =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { what: 'body', ring: '' };
    const tag = el.tagName.toLowerCase();
    const what =
      tag === 'a' && el.getAttribute('href')?.startsWith('#')
        ? `skip ${el.getAttribute('href')}`
        : tag === 'a'
          ? `link ${new URL((el as HTMLAnchorElement).href).pathname}`
          : tag === 'input'
            ? `input ${(el as HTMLInputElement).name}`
            : tag === 'button'
              ? `button ${el.textContent?.trim()}`
              : tag === 'summary'
                ? 'summary'
                : el.classList.contains('table-wrap')
                  ? 'region'
                  : tag;
    const style = getComputedStyle(el);
    const outline =
      style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) >= 2
        ? `${style.outlineWidth} ${style.outlineStyle} ${style.outlineColor}`
        : '';
    const shadow = style.boxShadow !== 'none' ? style.boxShadow : '';
    return { what, ring: el.matches(':focus-visible') ? outline || shadow : '' };
  });

/**
 * Presses Tab (or Shift+Tab) until the focus is on `target` (at most `max` times); fails if it
 * never gets there or if any stop on the way shows no focus ring. Returns the stops in order.
 */
async function tabTo(page: Page, target: string, { back = false, max = 40 } = {}): Promise<string[]> {
  const stops: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const f = await focused(page);
    expect(f.ring, `focus ring on ${f.what} (${page.url()})`).not.toBe('');
    stops.push(f.what);
    if (f.what === target) return stops;
  }
  throw new Error(
    `${target} not reached by ${back ? 'Shift+Tab' : 'Tab'} on ${page.url()}: ${stops.join(', ')}`,
  );
}

/** The page header's stops, in order: skip link, home, four public pages, two other languages. */
const HEADER = [
  'skip #main',
  'link /',
  'link /ask',
  'link /qa',
  'link /map',
  'link /notes',
  'link /lang/kk',
  'link /lang/ru',
];

async function meterIds(account: string) {
  const rows = await e.handle.db
    .selectFrom('meters')
    .innerJoin('accounts', 'accounts.id', 'meters.account_id')
    .select(['meters.id', 'meters.water'])
    .where('accounts.number', '=', account)
    .orderBy('meters.id')
    .execute();
  return rows.map((r) => r.id);
}

const latestL = async (meter: number) =>
  (
    await e.handle.db
      .selectFrom('readings')
      .select((eb) => eb.fn.max('value_l').as('v'))
      .where('meter_id', '=', meter)
      .executeTakeFirstOrThrow()
  ).v as number;

describe('keyboard only', () => {
  it('signs in, submits readings and downloads the invoice without a mouse', async () => {
    const { context, page } = await e.newPage({ locale: 'en' });
    const account = '02015213';
    const meters = await meterIds(account);
    expect(meters).toHaveLength(2);

    // Sign in: the header, then the form's fields in order.
    await page.goto('/');
    const toLogin = await tabTo(page, 'input login');
    expect(toLogin).toEqual([...HEADER, 'input login']);
    await page.keyboard.type(account);
    await page.keyboard.press('Tab');
    expect((await focused(page)).what).toBe('input password');
    await page.keyboard.type(DEMO_PASSWORD);
    expect(await tabTo(page, 'button Log in')).toEqual(['input remember', 'button Log in']);
    await Promise.all([page.waitForURL(/\/cabinet$/), page.keyboard.press('Enter')]);

    // To the readings through the menu: the header, then the menu in its order.
    const toReadings = await tabTo(page, 'link /cabinet/readings');
    expect(toReadings).toEqual([...HEADER, 'link /cabinet', 'link /cabinet/readings']);
    await Promise.all([page.waitForURL(/\/cabinet\/readings$/), page.keyboard.press('Enter')]);

    // Both meters, in the table's order, then the submit button.
    const [cold, hot] = meters as [number, number];
    const values = [(await latestL(cold)) + 1_250, (await latestL(hot)) + 750];
    const toForm = await tabTo(page, `input m_${cold}`);
    expect(toForm.slice(-2)).toEqual(['region', `input m_${cold}`]);
    await page.keyboard.press('Control+A');
    await page.keyboard.type(formatMeterReading(values[0]!));
    await page.keyboard.press('Tab');
    expect((await focused(page)).what).toBe(`input m_${hot}`);
    await page.keyboard.press('Control+A');
    await page.keyboard.type(formatMeterReading(values[1]!));
    expect(await tabTo(page, 'button Submit readings')).toEqual(['button Submit readings']);
    await Promise.all([page.waitForURL(/done=2/), page.keyboard.press('Enter')]);
    const saved = await e.handle.db
      .selectFrom('readings')
      .select(['meter_id', 'value_l'])
      .where('meter_id', 'in', meters)
      .where('value_l', 'in', values)
      .orderBy('meter_id')
      .execute();
    expect(saved).toEqual([
      { meter_id: cold, value_l: values[0] },
      { meter_id: hot, value_l: values[1] },
    ]);

    // One meter only: the confirmation dialog holds the focus and gives it back when cancelled.
    await tabTo(page, `input m_${hot}`);
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    await tabTo(page, 'button Submit readings');
    await page.keyboard.press('Enter');
    await page.locator('dialog.confirm-dialog').waitFor();
    const inDialog = () => page.evaluate(() => Boolean(document.activeElement?.closest('dialog[open]')));
    expect(await inDialog()).toBe(true);
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('Tab');
      // Leaving the page for the browser's own controls is allowed; the page behind stays out.
      const where = await page.evaluate(() => document.activeElement?.tagName ?? 'none');
      if (where !== 'BODY') expect(await inDialog(), `Tab ${i + 1} stays in the dialog`).toBe(true);
    }
    await page.keyboard.press('Escape');
    await page.locator('dialog.confirm-dialog').waitFor({ state: 'detached' });
    expect((await focused(page)).what).toBe('button Submit readings');
    expect(await page.locator(`#f-m_${hot}`).inputValue()).toBe('');

    // The invoice: back up through the page to the menu, then its PDF download.
    const up = await tabTo(page, 'link /cabinet/invoice', { back: true, max: 60 });
    expect(up.slice(-7)).toEqual([
      'button Log out',
      'link /cabinet/guide',
      'link /cabinet/subscriptions',
      'link /cabinet/password',
      'link /cabinet/email',
      'link /cabinet/settlement',
      'link /cabinet/invoice',
    ]);
    await Promise.all([page.waitForURL(/\/cabinet\/invoice$/), page.keyboard.press('Enter')]);
    // The page opens on the previous month of the real clock; the demo's last billed one is October 2026.
    await page.goto('/cabinet/invoice?period=2026-10');
    await tabTo(page, 'link /cabinet/invoice.pdf');
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    const pdf = readFileSync(await download.path());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await context.close();
  }, 120_000);

  it('opens and closes the phone menu from the keyboard, the focus back on its button', async () => {
    const { context, page } = await e.newPage({ locale: 'en', phone: true });
    await page.goto('/');
    await page.fill('input[name="login"]', '02015213');
    await page.fill('input[name="password"]', DEMO_PASSWORD);
    await Promise.all([
      page.waitForURL(/\/cabinet$/),
      page.click('form[action="/login"] button[type="submit"]'),
    ]);
    const open = () =>
      page.evaluate(() => document.querySelector('details.menu-drawer')!.hasAttribute('open'));

    // Closed, the menu is one stop; the logout button comes after it.
    expect(await tabTo(page, 'summary')).toEqual([...HEADER, 'summary']);
    expect(await open()).toBe(false);
    await page.keyboard.press('Tab');
    expect((await focused(page)).what).toBe('button Log out');
    await page.keyboard.press('Shift+Tab');

    // Enter opens it: every item in order, then logout.
    await page.keyboard.press('Enter');
    expect(await open()).toBe(true);
    const items = await tabTo(page, 'button Log out');
    expect(items).toEqual([...CABINET_MENU.map(([, path]) => `link ${path}`), 'button Log out']);

    // Escape inside the menu closes it and puts the focus on its button.
    await tabTo(page, 'link /cabinet/invoice', { back: true });
    await page.keyboard.press('Escape');
    expect(await open()).toBe(false);
    expect((await focused(page)).what).toBe('summary');

    // Space opens and closes it too, the focus staying on the button.
    await page.keyboard.press('Space');
    expect(await open()).toBe(true);
    await page.keyboard.press('Space');
    expect(await open()).toBe(false);
    expect((await focused(page)).what).toBe('summary');

    // Opened, an item is followed with Enter.
    await page.keyboard.press('Enter');
    await tabTo(page, 'link /cabinet/settlement');
    await Promise.all([page.waitForURL(/\/cabinet\/settlement$/), page.keyboard.press('Enter')]);
    await context.close();
  }, 120_000);
});
