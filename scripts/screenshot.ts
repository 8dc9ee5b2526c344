/**
 * Takes screenshots of pages of a running portal with Debian's Chromium:
 *   npx tsx scripts/screenshot.ts http://localhost:3000/ out.png [width] [lang] [login password]
 */
import { chromium } from 'playwright-core';

const [url = 'http://localhost:3000/', out = 'screenshot.png', width = '1280', lang = 'kk', login, password] =
  process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const page = await browser.newPage({ viewport: { width: Number(width), height: 900 } });
const origin = new URL(url).origin;
await page.goto(`${origin}/lang/${lang}?next=/`);
if (login && password) {
  await page.fill('input[name=login]', login);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
}
await page.goto(url);
await page.screenshot({ path: out, fullPage: true });
await browser.close();
