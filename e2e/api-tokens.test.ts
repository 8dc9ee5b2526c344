import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiTokensText } from '../src/api-tokens/api-tokens.messages';
import { DEMO_PASSWORD } from '../src/demo/demo-catalogue';
import { type E2eApp, expectMainText, startE2eApp } from './helpers';

let e: E2eApp;
beforeAll(async () => {
  e = await startE2eApp({ smtp: false, accounts: 5, months: 2 });
});
afterAll(async () => e?.close());

const meters = (token: string) =>
  fetch(`${e.baseUrl}/api/v1/accounts/02015213/meters`, { headers: { authorization: `Bearer ${token}` } });

describe('API tokens page in a real browser', () => {
  for (const lang of ['kk', 'ru', 'en'] as const) {
    it(`creates a token shown once, which opens the API, and revokes it (${lang})`, async () => {
      const t = apiTokensText[lang];
      const { context, page } = await e.newPage({ locale: lang });
      await page.goto('/');
      await page.fill('#f-login', '02015213');
      await page.fill('#f-password', DEMO_PASSWORD);
      await page.click('main button[type=submit]');
      await page.waitForURL('**/cabinet');
      await page.click(`a[href="/cabinet/tokens"]`);
      await expectMainText(page, t.intro);

      // A missing password is shown next to its field, the typed name kept.
      await page.fill('#f-name', `Gateway ${lang}`);
      await page.click('#new-token-form button[type=submit]');
      await expectMainText(page, t.fixErrors);
      expect(await page.inputValue('#f-name')).toBe(`Gateway ${lang}`);

      await page.check('input[value="documents:read"]');
      await page.fill('#f-current', DEMO_PASSWORD);
      await page.click('#new-token-form button[type=submit]');
      await expectMainText(page, t.once);
      const token = (await page.textContent('#new-token'))?.trim() ?? '';
      expect(token).toMatch(/^vdk_pat_/);
      const row = page.locator('#tokens tr', { hasText: `Gateway ${lang}` });
      expect(await row.textContent()).toContain('readings:write, documents:read');
      expect((await meters(token)).status).toBe(200);

      // A reload (the browser asks again for the page the form redirected to) makes no second
      // token and shows it no more.
      await page.reload();
      expect(await page.content()).not.toContain(token);
      const made = await e.handle.db
        .selectFrom('api_tokens')
        .select('id')
        .where('name', '=', `Gateway ${lang}`)
        .execute();
      expect(made).toHaveLength(1);

      // Shown once: the list has only its first characters.
      await page.goto('/cabinet/tokens');
      expect(await page.content()).not.toContain(token);
      expect(await row.textContent()).toContain(token.slice(0, 12));

      await row.getByRole('button', { name: t.revokeLabel(`Gateway ${lang}`) }).click();
      await expectMainText(page, t.revokedNotice);
      expect(await row.textContent()).toContain(t.revoked);
      const refused = await meters(token);
      expect(refused.status).toBe(401);
      await context.close();
    });
  }
});
