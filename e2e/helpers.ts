import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { buildApp } from '../src/app';
import { iinCheckDigit } from '../src/auth/iin';
import { loadConfig } from '../src/config';
import type { DatabaseHandle } from '../src/db/database';
import { mailDeliveryTask } from '../src/mail/delivery';
import { demoDatabase } from '../test/helpers/db';
import { linkIn, type SmtpInbox, startSmtpInbox } from '../test/helpers/smtp';

export { linkIn };

export interface E2eApp {
  /** http://127.0.0.1:PORT, no trailing slash. */
  baseUrl: string;
  app: FastifyInstance;
  handle: DatabaseHandle;
  /** The real SMTP server the app sends to (null with `smtp: false`: the dev mailbox). */
  inbox: SmtpInbox | null;
  browser: Browser;
  /** A fresh browser profile (own cookies) at 1280 px, or 375 px with `phone`, in a language. */
  newPage(options?: {
    locale?: 'kk' | 'ru' | 'en';
    phone?: boolean;
  }): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
}

/**
 * The app on a free port over a demo database, sending mail to a real SMTP server started here
 * (delivered every 200 ms), and Debian's Chromium driven by playwright-core.
 */
export async function startE2eApp(
  options: { smtp?: boolean; accounts?: number; months?: number; env?: Record<string, string> } = {},
): Promise<E2eApp> {
  const handle = await demoDatabase({ accounts: options.accounts ?? 30, months: options.months ?? 3 });
  const inbox = options.smtp === false ? null : await startSmtpInbox();
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    ...(inbox ? { SMTP_URL: inbox.url } : {}),
    ...options.env,
  });
  const app = await buildApp({ db: handle.db, config, engine: handle.engine });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const deliver = mailDeliveryTask(handle.db, config);
  const timer = setInterval(() => void deliver().catch(() => {}), 200);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  return {
    baseUrl,
    app,
    handle,
    inbox,
    browser,
    async newPage({ locale, phone } = {}) {
      const context = await browser.newContext({
        baseURL: baseUrl,
        viewport: phone ? { width: 375, height: 812 } : { width: 1280, height: 900 },
        locale: locale === 'kk' ? 'kk-KZ' : locale === 'ru' ? 'ru-RU' : 'en-US',
      });
      if (locale) await context.addCookies([{ name: 'lang', value: locale, url: baseUrl }]);
      return { context, page: await context.newPage() };
    },
    async close() {
      clearInterval(timer);
      await browser.close().catch(() => {});
      await app.close();
      await inbox?.close();
      await handle.close();
    },
  };
}

/** An individual account of the demo city that has no cabinet user yet, with its owner's surname. */
export async function unregisteredIndividual(
  handle: DatabaseHandle,
  skip: string[] = [],
): Promise<{ number: string; surname: string }> {
  const row = await handle.db
    .selectFrom('accounts')
    .leftJoin('user_accounts', 'user_accounts.account_id', 'accounts.id')
    .select(['accounts.number', 'accounts.owner_surname'])
    .where('accounts.kind', '=', 'individual')
    .where('accounts.owner_surname', '<>', '')
    .where('user_accounts.user_id', 'is', null)
    .where('accounts.number', 'not in', ['', ...skip])
    .orderBy('accounts.number')
    .executeTakeFirstOrThrow();
  return { number: row.number, surname: row.owner_surname };
}

/**
 * A legal-entity account that has no cabinet user yet: one of the demo city's, or (small demo
 * databases have few companies) a new one added beside the first demo premise.
 */
export async function unregisteredLegal(
  handle: DatabaseHandle,
): Promise<{ number: string; contract: string; bin: string }> {
  const row = await handle.db
    .selectFrom('accounts')
    .leftJoin('user_accounts', 'user_accounts.account_id', 'accounts.id')
    .select(['accounts.number', 'accounts.contract_number', 'accounts.bin_iin'])
    .where('accounts.kind', '=', 'legal')
    .where('user_accounts.user_id', 'is', null)
    .orderBy('accounts.number')
    .executeTakeFirst();
  if (row) return { number: row.number, contract: row.contract_number ?? '', bin: row.bin_iin ?? '' };
  const premise = await handle.db.selectFrom('premises').select('id').orderBy('id').executeTakeFirstOrThrow();
  const count = await handle.db
    .selectFrom('accounts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('number', 'like', '0777%')
    .executeTakeFirstOrThrow();
  const serial = String(Number(count.n) + 1).padStart(4, '0');
  let prefix = '';
  let check: number | null = null;
  for (let n = Number(serial); check === null; n++) {
    prefix = `1504400${String(n).padStart(4, '0')}`;
    check = iinCheckDigit(prefix);
  }
  const created = { number: `0777${serial}`, contract: `ЮЛ-777${serial}`, bin: `${prefix}${check}` };
  await handle.db
    .insertInto('accounts')
    .values({
      number: created.number,
      kind: 'legal',
      premise_id: premise.id,
      owner_name: '«Тест Су» ЖШС',
      contract_number: created.contract,
      bin_iin: created.bin,
    })
    .execute();
  return created;
}

/** Waits until the page's main content shows `text`; fails with what it shows instead. */
export async function expectMainText(page: Page, text: string, timeoutMs = 5000): Promise<void> {
  try {
    await page.locator('main').filter({ hasText: text }).waitFor({ timeout: timeoutMs });
  } catch {
    const shown = await page
      .locator('main')
      .textContent()
      .catch(() => '(no main)');
    throw new Error(`expected "${text}" on ${page.url()}, the page shows:\n${shown}`);
  }
}
