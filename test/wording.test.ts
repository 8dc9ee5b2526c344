import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, type TestApp, testApp, textOf } from './helpers/app';
import { confirmedCustomer } from './helpers/customers';
import { demoDatabase } from './helpers/db';

let t: TestApp;
let customer: Awaited<ReturnType<typeof confirmedCustomer>>;
const PASSWORD = 'Correct-Horse-42';

beforeAll(async () => {
  t = await testApp(await demoDatabase({ accounts: 5, months: 2 }));
  customer = await confirmedCustomer(t.handle.db, { password: PASSWORD, email: 'words@example.kz' });
});
afterAll(() => t.close());

async function signedIn(locale: 'kk' | 'ru' | 'en') {
  const b = new Browser(t.app);
  await b.get(`/lang/${locale}`);
  const res = await b.login(customer.login, PASSWORD);
  expect(res.statusCode).toBe(303);
  return b;
}

describe('wording customers read', () => {
  it("meter locations from the billing system are said in the page's language; unknown ones as sent", async () => {
    const db = t.handle.db;
    const account = await db
      .selectFrom('accounts')
      .select('id')
      .where('number', '=', customer.account)
      .executeTakeFirstOrThrow();
    const meters = await db
      .selectFrom('meters')
      .select('id')
      .where('account_id', '=', account.id)
      .where('removed_on', 'is', null)
      .orderBy('id')
      .execute();
    expect(meters.length).toBeGreaterThanOrEqual(2);
    await db.updateTable('meters').set({ location: 'С/узел' }).where('id', '=', meters[0]!.id).execute();
    await db.updateTable('meters').set({ location: 'Балкон №2' }).where('id', '=', meters[1]!.id).execute();

    const cells = async (locale: 'kk' | 'ru' | 'en') => {
      const page = await (await signedIn(locale)).get('/cabinet/readings');
      expect(page.statusCode).toBe(200);
      return [...page.body.matchAll(/<td data-label="[^"]+">([^<]*)<\/td>/g)].map((m) => m[1]);
    };
    const kk = await cells('kk');
    expect(kk).toContain('Санторап');
    expect(kk).toContain('Балкон №2');
    expect(kk).not.toContain('С/узел');
    const en = await cells('en');
    expect(en).toContain('Bathroom');
    expect(en).toContain('Балкон №2');
    expect(en).not.toContain('С/узел');
    expect(await cells('ru')).toContain('С/узел');
  });

  it('the site guide names the public pages as reachable without signing in', async () => {
    const page = await (await signedIn('kk')).get('/cabinet/guide');
    expect(textOf(page.body)).toContain('Кабинетке кірмей қолжетімді беттер');
    expect(textOf(page.body)).not.toContain('Кіріссіз');
  });
});
