import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../src/demo/demo-catalogue';
import { Browser, type TestApp, testApp } from './helpers/app';
import { demoDatabase } from './helpers/db';

let t: TestApp;
beforeAll(async () => {
  t = await testApp(await demoDatabase({ accounts: 5, months: 1 }));
}, 120_000);
afterAll(async () => {
  await t?.close();
});

/** The street choices of the account lookup page, in the order the page lists them. */
async function lookupStreets(lang: 'kk' | 'ru' | 'en'): Promise<string[]> {
  const b = new Browser(t.app);
  await b.get(`/lang/${lang}?next=/lookup`);
  const res = await b.get('/lookup');
  expect(res.statusCode).toBe(200);
  return [...res.body.matchAll(/<option value="\d+"[^>]*>([^<]+)<\/option>/g)].map((m) => m[1]!);
}

describe('street lists in the alphabetical order of the page language', () => {
  it('lists Қазақстан among the К… streets of the demo city on the Kazakh lookup page, not at the end', async () => {
    const kk = await lookupStreets('kk');
    expect(kk.length).toBeGreaterThan(20);
    const at = kk.indexOf('Қазақстан');
    expect(kk.slice(at - 3, at + 3)).toEqual([
      'Красина',
      'Крылов',
      'Қабанбай батыр',
      'Қазақстан',
      'Қайсенов',
      'Михаэлис',
    ]);
    expect(kk.slice(0, 2)).toEqual(['Абай даңғылы', 'Әуезов даңғылы']);
    expect(kk.at(-1)).toBe('Шәкәрім даңғылы');
  });

  it('uses the Russian order on the Russian and English pages (Қ after К, before М)', async () => {
    const ru = await lookupStreets('ru');
    expect(await lookupStreets('en')).toEqual(ru);
    expect(ru.indexOf('Қазақстан')).toBeGreaterThan(ru.indexOf('Крылов'));
    expect(ru.indexOf('Қазақстан')).toBeLessThan(ru.indexOf('Михаэлис'));
    expect(ru.at(-1)).toBe('Шәкәрім даңғылы');
  });

  it('lists the streets of the back-office outage note form in the Kazakh order for a kk operator', async () => {
    const b = new Browser(t.app);
    expect((await b.login('operator', DEMO_PASSWORD)).statusCode).toBe(303);
    await b.get('/lang/kk?next=/backoffice/notes');
    const res = await b.get('/backoffice/notes');
    expect(res.statusCode).toBe(200);
    const streets = [
      ...res.body.matchAll(/<input type="checkbox" name="street" value="\d+"\s*\/?>\s*([^<]+?)\s*<br/g),
    ].map((m) => m[1]!);
    expect(streets.length).toBeGreaterThan(20);
    const at = streets.indexOf('Қазақстан');
    expect(streets.slice(at - 1, at + 2)).toEqual(['Қабанбай батыр', 'Қазақстан', 'Қайсенов']);
    expect(streets.at(-1)).toBe('Шәкәрім даңғылы');
  });
});
