import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2eApp, expectMainText, linkIn, startE2eApp, unregisteredIndividual } from './helpers';

let e: E2eApp;
beforeAll(async () => {
  // The embedded demo's configuration: no SMTP server, mail kept in the dev mailbox.
  e = await startE2eApp({ smtp: false, accounts: 10, months: 1 });
});
afterAll(async () => e?.close());

describe('registration in the demo without SMTP, through the dev mailbox', () => {
  it('registers, reads the message at /dev/mailbox, confirms and logs in (Kazakh)', async () => {
    const acc = await unregisteredIndividual(e.handle);
    const { context, page } = await e.newPage({ locale: 'kk', phone: true });
    await page.goto('/register');
    await page.fill('#f-firstName', 'Асқар');
    await page.fill('#f-lastName', acc.surname.toUpperCase());
    await page.fill('#f-account', acc.number);
    await page.fill('#f-binIin', '900101301233');
    await page.fill('#f-email', 'askar@example.kz');
    await page.fill('#f-password', 'Qupia-soz-2026');
    await page.fill('#f-passwordRepeat', 'Qupia-soz-2026');
    await page.check('input[name=consent]');
    await page.click('main button[type=submit]');
    await expectMainText(page, 'Растау хаты email-ге жіберілді: askar@example.kz');

    await page.click('main a[href="/dev/mailbox"]');
    await expectMainText(page, 'askar@example.kz');
    await page.click('main table a');
    await expectMainText(page, 'Тіркеуді растау');
    const href = await page.locator('main pre a').first().getAttribute('href');
    // The link carries PUBLIC_URL (localhost:3000 in the demo); this test's app is on another port.
    await page.goto(linkIn(href ?? '', '/register/confirm'));
    await expectMainText(page, 'Тіркеу расталды. Кабинетке кіріңіз.');
    await page.fill('#f-login', acc.number);
    await page.fill('#f-password', 'Qupia-soz-2026');
    await page.click('main button[type=submit]');
    await page.waitForURL('**/cabinet');
    const row = await e.handle.db
      .selectFrom('mail_outbox')
      .select('status')
      .where('to_address', '=', 'askar@example.kz')
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('sent');
    await context.close();
  });
});
