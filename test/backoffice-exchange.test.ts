import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../src/demo/demo-catalogue';
import { Browser, type TestApp, testApp, textOf } from './helpers/app';
import { demoDatabase } from './helpers/db';

const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
let t: TestApp;
beforeAll(async () => {
  t = await testApp(await demoDatabase({ accounts: 5, months: 3 }));
});
afterAll(async () => t?.close());

/** Posts a file the way a browser's multipart form does, with the page's CSRF token. */
async function upload(b: Browser, name: string, content: string) {
  const boundary = '----cabinet-test-boundary';
  const body = [
    `--${boundary}`,
    'Content-Disposition: form-data; name="_csrf"',
    '',
    b.csrf,
    `--${boundary}`,
    `Content-Disposition: form-data; name="file"; filename="${name}"`,
    'Content-Type: text/csv',
    '',
    content,
    `--${boundary}--`,
    '',
  ].join('\r\n');
  return t.app.inject({
    method: 'POST',
    url: '/backoffice/exchange/upload',
    payload: body,
    headers: {
      'content-type': `multipart/form-data; boundary=${boundary}`,
      cookie: [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
    },
  });
}

describe(`back-office exchange page (${engine})`, () => {
  it('imports an uploaded file and lists the run', async () => {
    const b = new Browser(t.app);
    await b.get('/lang/en');
    await b.login('operator', DEMO_PASSWORD);
    expect((await b.get('/backoffice/exchange')).statusCode).toBe(200);
    const res = await upload(b, 'streets.csv', 'code,name\nUP1,Жаңа көше\nUP2,Өзен\n');
    expect(res.statusCode).toBe(200);
    const page = textOf(res.body);
    expect(page).toContain('streets.csv: succeeded — Read 2, Inserted 2');
    const rows = await t.handle.db
      .selectFrom('streets')
      .select('name')
      .where('code', 'in', ['UP1', 'UP2'])
      .execute();
    expect(rows.map((r) => r.name).sort()).toEqual(['Жаңа көше', 'Өзен']);
    const audit = await t.handle.db
      .selectFrom('audit_log')
      .select('subject')
      .where('action', '=', 'exchange.upload')
      .execute();
    expect(audit.map((a) => a.subject)).toContain('streets.csv');
    const list = textOf((await b.get('/backoffice/exchange')).body);
    expect(list).toContain('streets.csv');
  });

  it('rejects a file with a bad row as a whole and says which line', async () => {
    const b = new Browser(t.app);
    await b.get('/lang/ru');
    await b.login('operator', DEMO_PASSWORD);
    await b.get('/backoffice/exchange');
    const res = await upload(b, 'streets.csv', 'code,name\nUP3,Тест\nUP3,Дубль\n');
    expect(res.statusCode).toBe(422);
    expect(textOf(res.body)).toContain('streets.csv:3');
    const rows = await t.handle.db.selectFrom('streets').select('code').where('code', '=', 'UP3').execute();
    expect(rows).toEqual([]);
  });

  it('asks for a file when none is chosen, and refuses customers', async () => {
    const b = new Browser(t.app);
    await b.get('/lang/kk');
    await b.login('operator', DEMO_PASSWORD);
    await b.get('/backoffice/exchange');
    const res = await upload(b, '', '');
    expect(res.statusCode).toBe(400);
    expect(textOf(res.body)).toContain('Файлды таңдаңыз.');

    const customer = new Browser(t.app);
    await customer.login('02015213', DEMO_PASSWORD);
    await customer.get('/cabinet');
    expect((await customer.get('/backoffice/exchange')).statusCode).toBe(403);
  });
});
