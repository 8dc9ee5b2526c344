import { chromium } from 'playwright-core';
import { buildApp } from './src/app';
import { loadConfig } from './src/config';
import { demoDatabase } from './test/helpers/db';

const handle = await demoDatabase({ accounts: 20, months: 6 });
await handle.db
  .insertInto('readings')
  .values({
    meter_id: 1,
    period: '2026-11-01',
    value_l: 98_765_432,
    read_on: '2026-11-24',
    source: 'cabinet',
    status: 'flagged',
  })
  .execute();
await handle.db
  .insertInto('questions')
  .values({
    name: 'Асқар',
    email: 'a@example.kz',
    topic: 'billing',
    body: 'Почему счёт за декабрь вырос?',
    locale: 'ru',
    status: 'answered',
    answer: 'С 1 декабря действует новый тариф.',
    published: true,
    answered_at: new Date(),
  })
  .execute();
await handle.db
  .insertInto('questions')
  .values({
    name: 'Марат',
    email: 'm@example.kz',
    topic: 'readings',
    body: 'Как передать показания?',
    locale: 'kk',
  })
  .execute();
const n = await handle.db
  .insertInto('notes')
  .values({
    title: 'Плановое отключение воды',
    body: 'С 9:00 до 18:00.',
    starts_on: '2026-12-03',
    ends_on: '2026-12-03',
  })
  .returning('id')
  .executeTakeFirstOrThrow();
await handle.db.insertInto('note_streets').values({ note_id: n.id, street_id: 2 }).execute();
const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
const app = await buildApp({ db: handle.db, config, engine: handle.engine });
await app.listen({ port: 0, host: '127.0.0.1' });
const a = app.server.address();
const base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const [pages, langs, widths] = [
  process.argv[2]!.split(','),
  process.argv[3]!.split(','),
  process.argv[4]!.split(',').map(Number),
];
for (const lang of langs)
  for (const width of widths) {
    const ctx = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await ctx.newPage();
    const login = process.argv[5];
    if (login) {
      await page.goto(`${base}/`);
      await page.fill('input[name=login]', login);
      await page.fill('input[name=password]', 'Demo-2026!');
      await page.click('form[action="/login"] button[type=submit]');
      await page.waitForLoadState();
    }
    await page.goto(`${base}/lang/${lang}?next=/`);
    for (const p of pages) {
      await page.goto(`${base}${p}`);
      await page.screenshot({
        path: `/tmp/shots/${p.replace(/[/?=]/g, '_')}-${lang}-${width}.png`,
        fullPage: true,
      });
    }
    await ctx.close();
  }
await browser.close();
await app.close();
await handle.close();
