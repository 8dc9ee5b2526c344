import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../src/db/database';
import { isDatabaseUnavailable } from '../src/db/unavailable';
import { DEMO_PASSWORD } from '../src/demo/demo-catalogue';
import { Browser, type TestApp, testApp, textOf } from './helpers/app';
import { demoDatabase, type TestDatabase } from './helpers/db';

/**
 * The database goes away under a running app: every page answers 503 with a page saying the
 * cabinet is temporarily unavailable (in the user's language), every API request a JSON 503,
 * never a 500 or a stack trace, and a form sent meanwhile stores nothing. On PostgreSQL the app
 * talks to the server through a TCP relay that this test cuts (every open connection dropped,
 * new ones refused) and then restores; on PGlite the embedded database is closed under the app.
 */
const SERVER = process.env.TEST_DATABASE_URL;
const ACCOUNT = '01003317';

/** A TCP relay to the database server that can be cut (connections dropped, port closed) and restored. */
async function relay(target: URL) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    sockets.add(client);
    sockets.add(upstream);
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream).pipe(client);
  });
  const listen = (port: number) => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  await listen(0);
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    async cut() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
        sockets.clear();
      });
    },
    restore: () => listen(port),
    close: () =>
      new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve())),
  };
}

async function signedIn(app: TestApp['app'], lang: string) {
  const b = new Browser(app);
  expect((await b.login(ACCOUNT, DEMO_PASSWORD)).statusCode).toBe(303);
  await b.get(`/lang/${lang}?next=/cabinet`);
  return b;
}

const UNAVAILABLE = {
  kk: 'Жеке кабинет уақытша қолжетімсіз',
  ru: 'Личный кабинет временно недоступен',
  en: 'The customer cabinet is temporarily unavailable',
} as const;

/** A page that answered "temporarily unavailable": 503, the words in `lang`, no trace of an error's insides. */
function expectUnavailablePage(
  res: { statusCode: number; body: string; headers: Record<string, unknown> },
  lang: keyof typeof UNAVAILABLE,
) {
  expect(res.statusCode).toBe(503);
  expect(res.headers['content-type']).toMatch(/text\/html/);
  expect(res.headers['retry-after']).toBe('30');
  expect(textOf(res.body)).toContain(UNAVAILABLE[lang]);
  expect(res.body).not.toMatch(/ECONNREFUSED|Connection terminated|at .*\.ts:\d+|stack/i);
}

describe('what counts as the database being away', () => {
  it('connection errors, shutdown states and lost connections; not a refused value or a bug', () => {
    expect(
      isDatabaseUnavailable({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:5432' }),
    ).toBe(true);
    expect(
      isDatabaseUnavailable({
        code: '57P01',
        message: 'terminating connection due to administrator command',
      }),
    ).toBe(true);
    expect(isDatabaseUnavailable({ code: '08006', message: 'connection failure' })).toBe(true);
    expect(isDatabaseUnavailable({ message: 'Connection terminated unexpectedly' })).toBe(true);
    expect(isDatabaseUnavailable({ message: 'timeout exceeded when trying to connect' })).toBe(true);
    expect(isDatabaseUnavailable({ code: '22P02', message: 'invalid input syntax for type integer' })).toBe(
      false,
    );
    expect(isDatabaseUnavailable({ code: '23505', message: 'duplicate key value' })).toBe(false);
    expect(isDatabaseUnavailable({ message: 'Cannot read properties of undefined' })).toBe(false);
  });
});

describe.skipIf(!SERVER)('the PostgreSQL server unreachable (PostgreSQL)', () => {
  let data: TestDatabase;
  let through: DatabaseHandle;
  let t: TestApp;
  let cable: Awaited<ReturnType<typeof relay>>;

  beforeAll(async () => {
    data = await demoDatabase({ accounts: 3, months: 2 });
    cable = await relay(new URL(data.url as string));
    const url = new URL(data.url as string);
    url.hostname = '127.0.0.1';
    url.port = String(cable.port);
    through = await openDatabase({ url: url.toString(), poolSize: 3 });
    t = await testApp(through);
  }, 120_000);
  afterAll(async () => {
    await t?.app.close();
    await through?.close().catch(() => {});
    await cable?.close();
    await data?.close();
  });

  it('pages answer 503 "temporarily unavailable" in the user language, the API a JSON 503, a form stores nothing; then all is back', async () => {
    const browsers = {
      kk: await signedIn(t.app, 'kk'),
      ru: await signedIn(t.app, 'ru'),
      en: await signedIn(t.app, 'en'),
    };
    const b = browsers.en;
    const form = await b.get('/cabinet/readings');
    expect(form.statusCode).toBe(200);
    const key = /name="key" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
    const meterIds = [...form.body.matchAll(/name="m_(\d+)"/g)].map((m) => m[1]);
    expect(meterIds.length).toBeGreaterThan(0);
    const readingsBefore = await data.db.selectFrom('readings').select('id').execute();
    const auditBefore = await data.db.selectFrom('audit_log').select('id').execute();

    await cable.cut();

    for (const lang of ['kk', 'ru', 'en'] as const)
      expectUnavailablePage(await browsers[lang].get('/cabinet'), lang);
    expectUnavailablePage(await b.get(`/cabinet/invoice?period=2026-10`), 'en');
    // A form sent while the database is away: 503, nothing stored (checked once it is back).
    const body: Record<string, string> = { key };
    for (const id of meterIds) body[`m_${id}`] = '99999';
    expectUnavailablePage(await b.post('/cabinet/readings', body), 'en');
    // Signing in (no session yet) meets the same page.
    const anonymous = new Browser(t.app);
    expectUnavailablePage(await anonymous.post('/login', { login: ACCOUNT, password: DEMO_PASSWORD }), 'kk');

    const api = await t.app.inject({
      url: `/api/v1/accounts/${ACCOUNT}/meters`,
      headers: { cookie: [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    expect(api.statusCode).toBe(503);
    expect(api.headers['content-type']).toMatch(/application\/json/);
    const json = api.json();
    expect(json.error).toBe('unavailable');
    expect(json.message).toContain(UNAVAILABLE.en);
    expect(typeof json.requestId).toBe('string');
    expect(JSON.stringify(json)).not.toMatch(/ECONNREFUSED|stack/i);

    await cable.restore();

    // The pool connects again by itself: the same session works, nothing of the refused form is stored.
    const back = await b.get('/cabinet');
    expect(back.statusCode).toBe(200);
    expect(await data.db.selectFrom('readings').select('id').execute()).toHaveLength(readingsBefore.length);
    const auditAfter = await data.db.selectFrom('audit_log').select('id').execute();
    expect(auditAfter.length).toBe(auditBefore.length);
  }, 120_000);

  it('a transaction whose connection is cut half way stores nothing of its first statement', async () => {
    const half = through.db.transaction().execute(async (tx) => {
      await tx
        .insertInto('audit_log')
        .values({ action: 'test.half', subject: 'first', details: '{}' })
        .execute();
      await cable.cut();
      await tx
        .insertInto('audit_log')
        .values({ action: 'test.half', subject: 'second', details: '{}' })
        .execute();
    });
    const error = await half.then(
      () => null,
      (e: Error) => e,
    );
    expect(error && isDatabaseUnavailable(error)).toBe(true);
    await cable.restore();
    const stored = await data.db
      .selectFrom('audit_log')
      .select('subject')
      .where('action', '=', 'test.half')
      .execute();
    expect(stored).toEqual([]);
    // And the app's pool serves again.
    expect((await through.db.selectFrom('audit_log').select('id').limit(1).execute()).length).toBe(1);
  });
});

describe.skipIf(SERVER)('the embedded database closed under the app (PGlite)', () => {
  let data: TestDatabase;
  let t: TestApp;
  beforeAll(async () => {
    data = await demoDatabase({ accounts: 3, months: 2 });
    t = await testApp(data);
  }, 120_000);
  afterAll(async () => {
    await t?.app.close();
  });

  it('pages answer 503 "temporarily unavailable", the API a JSON 503, never 500', async () => {
    const b = await signedIn(t.app, 'ru');
    expect((await b.get('/cabinet')).statusCode).toBe(200);
    await data.close();
    expectUnavailablePage(await b.get('/cabinet'), 'ru');
    const api = await t.app.inject({
      url: `/api/v1/accounts/${ACCOUNT}/meters`,
      headers: { cookie: [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    expect(api.statusCode).toBe(503);
    expect(api.json()).toMatchObject({ error: 'unavailable' });
  });
});
