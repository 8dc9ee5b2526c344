import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confirmedCustomer } from '../test/helpers/customers';
import { type E2eApp, expectMainText, startE2eApp } from './helpers';

let e: E2eApp;
beforeAll(async () => {
  e = await startE2eApp({ accounts: 12, months: 2, smtp: false });
});
afterAll(async () => e?.close());

const PASSWORD = 'Su-arnasy-2026';
const words = {
  kk: { title: 'Дербес деректерді өңдеу туралы', law: '№ 94-V', consent: 'Дербес деректер және келісім' },
  ru: { title: 'Об обработке персональных данных', law: '№ 94-V', consent: 'Персональные данные и согласие' },
  en: {
    title: 'About the processing of personal data',
    law: 'No. 94-V',
    consent: 'Personal data and consent',
  },
} as const;

describe('the privacy page and the own-data export in a real browser', () => {
  for (const locale of ['kk', 'ru', 'en'] as const) {
    it(`${locale}: the footer and the registration checkbox lead to the privacy page; the personal page downloads the customer's own data`, async () => {
      const w = words[locale];
      const { context, page } = await e.newPage({ locale });
      await page.goto('/');
      await page.click('footer a[href="/privacy"]');
      await page.waitForURL('**/privacy');
      expect(await page.textContent('h1')).toContain(w.title);
      await expectMainText(page, w.law);

      await page.goto('/register');
      await page.click('.checkbox a[href="/privacy"]');
      await page.waitForURL('**/privacy');

      const customer = await confirmedCustomer(e.handle.db, {
        password: PASSWORD,
        email: `privacy.${locale}@example.kz`,
        locale,
      });
      await page.goto('/');
      await page.fill('#f-login', customer.login);
      await page.fill('#f-password', PASSWORD);
      await page.click('main button[type=submit]');
      await page.waitForURL('**/cabinet');
      await expectMainText(page, w.consent);

      const [json] = await Promise.all([
        page.waitForEvent('download'),
        page.click('a[href="/cabinet/my-data.json"]'),
      ]);
      expect(json.suggestedFilename()).toMatch(
        new RegExp(`^my-data-${customer.login}-\\d{4}-\\d{2}-\\d{2}\\.json$`),
      );
      const data = JSON.parse(await readFile((await json.path()) as string, 'utf8'));
      expect(data.profile).toMatchObject({ login: customer.login, email: `privacy.${locale}@example.kz` });
      expect(data.accounts.map((a: { number: string }) => a.number)).toEqual([customer.account]);
      expect(data.sign_ins.map((s: { action: string }) => s.action)).toEqual(['login']);

      const [csv] = await Promise.all([
        page.waitForEvent('download'),
        page.click('a[href="/cabinet/my-data.csv"]'),
      ]);
      const bytes = await readFile((await csv.path()) as string);
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(bytes.toString('utf8')).toContain(`login;${customer.login}`);
      await context.close();
    });
  }
});
