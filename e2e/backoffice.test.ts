/**
 * The back-office in real Chromium against the app on a free port, with mail delivered by the
 * delivery worker to a real SMTP server started by the test.
 */
import type { FastifyInstance } from 'fastify';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app';
import { loadConfig } from '../src/config';
import type { DatabaseHandle } from '../src/db/database';
import { DEMO_PASSWORD } from '../src/demo/demo-catalogue';
import { mailDeliveryTask } from '../src/mail/delivery';
import { demoDatabase } from '../test/helpers/db';
import { type SmtpInbox, startSmtpInbox } from '../test/helpers/smtp';

let handle: DatabaseHandle;
let app: FastifyInstance;
let inbox: SmtpInbox;
let browser: Browser;
let base: string;
let poller: NodeJS.Timeout;

beforeAll(async () => {
  inbox = await startSmtpInbox();
  handle = await demoDatabase({ accounts: 20, months: 6 });
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', SMTP_URL: inbox.url });
  app = await buildApp({ db: handle.db, config, engine: handle.engine });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const deliver = mailDeliveryTask(handle.db, config);
  poller = setInterval(() => void deliver().catch(() => {}), 250);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  // Loading the demo city and starting Chromium takes long on a busy machine.
}, 300_000);

afterAll(async () => {
  clearInterval(poller);
  await browser?.close();
  await app?.close();
  await handle?.close();
  await inbox?.close();
});

async function loginAs(login: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${base}/lang/en?next=/`);
  await page.fill('input[name=login]', login);
  await page.fill('input[name=password]', DEMO_PASSWORD);
  await Promise.all([page.waitForURL(/\/backoffice$/), page.click('button[type=submit]')]);
  await page.goto(`${base}/lang/en?next=/backoffice`);
  return page;
}

const customerEmail = async (number: string) => {
  const row = await handle.db
    .selectFrom('users')
    .innerJoin('user_accounts', 'user_accounts.user_id', 'users.id')
    .innerJoin('accounts', 'accounts.id', 'user_accounts.account_id')
    .select(['users.email'])
    .where('accounts.number', '=', number)
    .executeTakeFirstOrThrow();
  return row.email ?? '';
};

describe('the back-office in Chromium', () => {
  let op: Page;
  beforeAll(async () => {
    op = await loginAs('operator');
  }, 120_000);

  it('finds an account by address and opens what the customer sees', async () => {
    await op.click('nav.bo-menu >> text=Accounts');
    await op.fill('input[name=q]', 'Красина 3-45');
    await Promise.all([
      op.waitForURL(/q=/),
      op.click('form[action="/backoffice/accounts"] button[type=submit]'),
    ]);
    await Promise.all([
      op.waitForURL(/\/backoffice\/accounts\/01003317$/),
      op.click('#hits >> text=01003317'),
    ]);
    const facts = await op.textContent('#facts');
    expect(facts).toContain('Красина, 3-45');
    expect(await op.locator('#readings tbody tr').count()).toBeGreaterThan(0);
  });

  it('rejects a flagged reading with a reason and the customer receives the mail', async () => {
    const meter = await handle.db
      .selectFrom('meters')
      .innerJoin('accounts', 'accounts.id', 'meters.account_id')
      .select(['meters.id', 'meters.serial'])
      .where('accounts.number', '=', '01003317')
      .orderBy('meters.id')
      .executeTakeFirstOrThrow();
    // A reading the cabinet flagged for review (implausibly large consumption).
    const reading = await handle.db
      .insertInto('readings')
      .values({
        meter_id: meter.id,
        period: '2026-11-01',
        value_l: 98_765_432,
        read_on: '2026-11-24',
        source: 'cabinet',
        status: 'flagged',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await handle.db.updateTable('users').set({ locale: 'en' }).where('login', '=', '01003317').execute();
    await op.goto(`${base}/backoffice/readings`);
    const card = op.locator(`#reading-${reading.id}`);
    expect(await card.locator('.reasons').textContent()).toContain('large consumption');
    await card
      .locator('textarea[name=note]')
      .fill('The reading looks mistyped; please send a photo of the meter.');
    await Promise.all([op.waitForURL(/done=rejected/), card.locator('button[value=reject]').click()]);
    const mail = await inbox.waitFor(await customerEmail('01003317'), 'Your meter reading is rejected');
    expect(mail.text).toContain('please send a photo of the meter');
    expect(mail.text).toContain(meter.serial);
    expect(mail.text).toContain('98765.432');
  });

  it('changes a tariff from next month', async () => {
    await op.goto(`${base}/backoffice/rates`);
    expect(await op.textContent('#first-open')).toBe('01.11.2026');
    const form = op.locator('#tariff-form');
    await form.locator('select[name=service]').selectOption('cold_water');
    await form.locator('select[name=customer_kind]').selectOption('individual');
    await form.locator('input[name=effective_from]').fill('2026-10-01');
    await form.locator('input[name=price]').fill('101.25');
    await form.locator('button[type=submit]').click();
    expect(await op.locator('#tariff-form .error').textContent()).toContain('closed');
    await op.locator('#tariff-form input[name=effective_from]').fill('2026-12-01');
    await Promise.all([op.waitForURL(/saved=1/), op.locator('#tariff-form button[type=submit]').click()]);
    const first = op.locator('#tariffs tbody tr').first();
    expect(await first.textContent()).toContain('01.12.2026');
    expect(await first.textContent()).toContain('101.25');
    const row = await handle.db
      .selectFrom('tariffs')
      .selectAll()
      .where('effective_from', '=', '2026-12-01')
      .executeTakeFirstOrThrow();
    expect(row.price_tiyn_per_m3).toBe(10125);
  });

  it('answers a question from the public form; the answer is mailed and published to Q&A', async () => {
    const visitor = await (await browser.newContext({ viewport: { width: 375, height: 800 } })).newPage();
    await visitor.goto(`${base}/lang/ru?next=/ask`);
    await visitor.fill('input[name=name]', 'Асқар');
    await visitor.fill('input[name=email]', 'askar@example.kz');
    await visitor.selectOption('select[name=topic]', 'billing');
    await visitor.fill('textarea[name=body]', 'Почему счёт за декабрь вырос?');
    await Promise.all([
      visitor.waitForURL(/\/ask\/sent$/),
      visitor.click('form[action="/ask"] button[type=submit]'),
    ]);
    await op.goto(`${base}/backoffice/questions`);
    const card = op.locator('article', { hasText: 'Почему счёт за декабрь вырос?' });
    await card.locator('textarea[name=answer]').fill('С 1 декабря действует новый тариф на холодную воду.');
    await card.locator('input[name=publish]').check();
    await Promise.all([op.waitForURL(/done=1/), card.locator('button[type=submit]').click()]);
    const mail = await inbox.waitFor('askar@example.kz', 'Ответ на ваш вопрос');
    expect(mail.text).toContain('С 1 декабря действует новый тариф');
    await visitor.goto(`${base}/qa`);
    const qa = await visitor.textContent('#qa');
    expect(qa).toContain('Почему счёт за декабрь вырос?');
    expect(qa).toContain('С 1 декабря действует новый тариф на холодную воду.');
  });

  it('posts an outage note; subscribers of that street get mail, once', async () => {
    const email = await customerEmail('01003317');
    await op.goto(`${base}/backoffice/notes`);
    await op.fill('input[name=title]', 'Planned outage on Krasina street');
    await op.fill('textarea[name=body]', 'Cold water is off from 9:00 to 18:00 for pipe repairs.');
    await op.fill('input[name=starts_on]', '2026-12-03');
    await op.fill('input[name=ends_on]', '2026-12-03');
    await op.locator('.street-list label', { hasText: 'Красина' }).locator('input').check();
    await Promise.all([op.waitForURL(/posted=\d+/), op.click('#note-form button[type=submit]')]);
    const mailed = Number(await op.textContent('#mailed'));
    expect(mailed).toBeGreaterThan(0);
    const mail = await inbox.waitFor(email, 'Planned outage on Krasina street');
    expect(mail.text).toContain('03.12.2026');
    expect(mail.text).toContain('Красина');
    await new Promise((r) => setTimeout(r, 1000));
    expect(inbox.messages.filter((m) => m.subject.includes('Planned outage on Krasina')).length).toBe(mailed);
    const visitor = await (await browser.newContext()).newPage();
    await visitor.goto(`${base}/notes`);
    expect(await visitor.textContent('#notes')).toContain('Planned outage on Krasina street');
  });
});
