import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { DEMO_PASSWORD } from '../src/demo/demo-catalogue';
import { notificationText } from '../src/notifications/notifications.messages';
import { PREFERENCE_KINDS } from '../src/notifications/schedule';
import { unsubscribeToken } from '../src/notifications/unsubscribe-token';
import { staffUser } from '../test/helpers/factories';
import { type E2eApp, expectMainText, startE2eApp } from './helpers';

/**
 * The reminder pages in real Chromium, in kk, ru and en, at 1280 px and 375 px: the customer's
 * preferences under Subscriptions, the one-click unsubscribe landing page, and the back-office
 * page with its test message. Screenshots go to SCREENSHOT_DIR (default /tmp/e2e-notifications).
 */
const SHOTS = process.env.SCREENSHOT_DIR ?? '/tmp/e2e-notifications';
const CUSTOMER = '02015213';
const LANGS = ['kk', 'ru', 'en'] as const;
const WIDTHS = [
  { name: '1280', phone: false },
  { name: '375', phone: true },
] as const;

let e: E2eApp;
let customerId: number;
// The app of this test process signs with the same test secret (config.ts, NODE_ENV=test).
const secret = loadConfig({ NODE_ENV: 'test' }).SESSION_SECRET;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  e = await startE2eApp({ accounts: 5, months: 2 });
  customerId = (
    await e.handle.db.selectFrom('users').select('id').where('login', '=', CUSTOMER).executeTakeFirstOrThrow()
  ).id;
}, 300_000);
afterAll(async () => e?.close());

async function shot(page: Page, name: string) {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** Nothing sticks out sideways: the page is no wider than the window. */
async function expectNoOverflow(page: Page, where: string) {
  const { scroll, width } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: window.innerWidth,
  }));
  expect(scroll, `${where}: page ${scroll}px wide in a ${width}px window`).toBeLessThanOrEqual(width);
}

/** No English text of these pages left in a Kazakh or Russian page. */
async function expectTranslated(page: Page, lang: (typeof LANGS)[number], where: string) {
  if (lang === 'en') return;
  const text = (await page.locator('main').textContent()) ?? '';
  const en = notificationText.en;
  const english = [
    ...Object.values(en.kinds).flatMap((k) => [k.name, k.about]),
    en.page.title,
    en.page.intro,
    en.page.language,
    en.page.submit,
    en.page.saved,
    en.unsubscribe.title,
    en.unsubscribe.confirm,
    en.backoffice.title,
    en.backoffice.intro,
    en.backoffice.testButton,
    'Reminders',
    'Save',
  ];
  for (const phrase of english) expect(text, `${where}: "${phrase}" untranslated`).not.toContain(phrase);
}

const preferences = () =>
  e.handle.db
    .selectFrom('notification_preferences')
    .select(['kind', 'enabled'])
    .where('user_id', '=', customerId)
    .orderBy('kind')
    .execute();

describe('notification pages in a real browser', () => {
  for (const lang of LANGS)
    for (const width of WIDTHS) {
      const tag = `${lang}-${width.name}`;

      it(`preferences under Subscriptions: each kind on or off, the language, saved and shown (${tag})`, async () => {
        const t = notificationText[lang];
        const { context, page } = await e.newPage({ locale: lang, phone: width.phone });
        await page.goto('/');
        await page.fill('#f-login', CUSTOMER);
        await page.fill('#f-password', DEMO_PASSWORD);
        await page.click('main button[type=submit]');
        await page.waitForURL('**/cabinet');
        await page.goto('/cabinet/subscriptions');
        await page.click('main a[href="/cabinet/notifications"]');
        await expectMainText(page, t.page.intro);
        await shot(page, `preferences-${tag}`);
        await expectNoOverflow(page, `preferences ${tag}`);
        await expectTranslated(page, lang, `preferences ${tag}`);

        // Readings reminders and the consumption alert off, messages in another language.
        await page.uncheck('input[name=kind][value=readings_reminder]');
        await page.uncheck('input[name=kind][value=high_consumption]');
        const other = lang === 'kk' ? 'ru' : 'kk';
        await page.selectOption('#f-locale', other);
        await page.click('main button[type=submit].primary');
        await page.waitForURL('**/cabinet/notifications?saved=1');
        await expectMainText(page, t.page.saved);
        await shot(page, `preferences-saved-${tag}`);
        await expectNoOverflow(page, `preferences saved ${tag}`);
        const shown = async () =>
          Object.fromEntries(
            await Promise.all(
              PREFERENCE_KINDS.map(
                async (k) => [k, await page.isChecked(`input[name=kind][value=${k}]`)] as const,
              ),
            ),
          );
        const expected = {
          readings_reminder: false,
          verification_due: true,
          high_consumption: false,
          payment_due: true,
        };
        expect(await shown()).toEqual(expected);
        expect(await page.inputValue('#f-locale')).toBe(other);
        expect(await preferences()).toEqual([
          { kind: 'high_consumption', enabled: false },
          { kind: 'payment_due', enabled: true },
          { kind: 'readings_reminder', enabled: false },
          { kind: 'verification_due', enabled: true },
        ]);
        // A reload asks for the page again: the same saved state, nothing saved twice.
        const audits = async () =>
          (
            await e.handle.db
              .selectFrom('audit_log')
              .select('id')
              .where('actor_user_id', '=', customerId)
              .where('action', '=', 'notifications.preferences')
              .execute()
          ).length;
        const before = await audits();
        await page.reload();
        expect(await shown()).toEqual(expected);
        expect(await audits()).toBe(before);

        // Back to everything on, in the page's language, for the next run.
        for (const k of PREFERENCE_KINDS) await page.check(`input[name=kind][value=${k}]`);
        await page.selectOption('#f-locale', lang);
        await page.click('main button[type=submit].primary');
        await page.waitForURL('**/cabinet/notifications?saved=1');
        await context.close();
      });

      it(`one-click unsubscribe: a page with one button, then what was turned off (${tag})`, async () => {
        const t = notificationText[lang];
        const { context, page } = await e.newPage({ locale: lang, phone: width.phone });
        await page.goto(`/unsubscribe/${unsubscribeToken(secret, customerId, 'payment_due')}`);
        await expectMainText(page, t.unsubscribe.question(t.kinds.payment_due.name));
        await shot(page, `unsubscribe-${tag}`);
        await expectNoOverflow(page, `unsubscribe ${tag}`);
        await expectTranslated(page, lang, `unsubscribe ${tag}`);
        await page.click('main button[type=submit]');
        await expectMainText(page, t.unsubscribe.done(t.kinds.payment_due.name));
        await shot(page, `unsubscribe-done-${tag}`);
        await expectNoOverflow(page, `unsubscribe done ${tag}`);
        expect((await preferences()).find((p) => p.kind === 'payment_due')?.enabled).toBe(false);
        await e.handle.db.deleteFrom('notification_preferences').where('user_id', '=', customerId).execute();
        await context.close();
      });

      it(`back-office: messages per kind and month, and a test message to oneself (${tag})`, async () => {
        const t = notificationText[lang];
        const op = await staffUser(e.handle.db, { role: 'operator', locale: lang });
        await e.handle.db
          .insertInto('notifications_sent')
          .values({
            user_id: customerId,
            account_id: null,
            kind: 'payment_due',
            subject_key: `e2e:${tag}`,
          })
          .execute();
        const { context, page } = await e.newPage({ locale: lang, phone: width.phone });
        await page.goto('/');
        await page.fill('#f-login', op.login);
        await page.fill('#f-password', op.password);
        await page.click('main button[type=submit]');
        await page.waitForURL('**/backoffice');
        await page.goto('/backoffice/notifications');
        await expectMainText(page, t.backoffice.intro);
        expect(await page.locator('#notifications-sent tbody tr').count()).toBeGreaterThan(0);
        await shot(page, `backoffice-${tag}`);
        await expectNoOverflow(page, `back-office ${tag}`);
        await expectTranslated(page, lang, `back-office ${tag}`);

        await page.click(`main button:has-text("${t.backoffice.testButton}")`);
        await page.waitForURL('**/backoffice/notifications?test=sent');
        await expectMainText(page, t.backoffice.testSent(op.email));
        await shot(page, `backoffice-test-${tag}`);
        await expectNoOverflow(page, `back-office test ${tag}`);
        await page.reload();
        const mail = await e.inbox!.waitFor(op.email, notificationText[lang].testSubject);
        expect(mail.text).toContain(notificationText[lang].testIntro.slice(0, 20));
        const queued = await e.handle.db
          .selectFrom('mail_outbox')
          .select('id')
          .where('to_address', '=', op.email)
          .execute();
        expect(queued).toHaveLength(1);
        await context.close();
      });
    }
});
