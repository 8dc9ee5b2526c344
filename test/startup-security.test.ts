import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app';
import { ConfigError, loadConfig, startupWarnings } from '../src/config';
import type { DatabaseHandle } from '../src/db/database';
import { DEMO_PASSWORD } from '../src/demo/demo-catalogue';
import { Browser, type TestApp, testApp } from './helpers/app';
import { demoDatabase } from './helpers/db';

const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';

/** Everything a production install must set (the database is not opened by these tests). */
const PRODUCTION = {
  NODE_ENV: 'production',
  SESSION_SECRET: 'x7Kq2mVp9sLw4RtY8nBc3JhZ6fDg1aEu',
  SMTP_URL: 'smtp://127.0.0.1:1',
  PUBLIC_URL: 'https://cabinet.example.kz',
  DATABASE_URL: 'postgres://cabinet@db.example.kz/cabinet',
  LOG_LEVEL: 'silent',
};

describe('production refuses the demo stand-ins', () => {
  it('names every missing setting in one line', () => {
    const error = (() => {
      try {
        loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'a-secret-of-sixteen-plus' });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.message).toBe(
      'Cannot start in production: set SESSION_SECRET (at least 32 random characters), SMTP_URL, PUBLIC_URL, DATABASE_URL',
    );
  });

  it('refuses production without SMTP_URL: mail would stay in the dev mailbox', () => {
    const { SMTP_URL: _smtp, ...rest } = PRODUCTION;
    expect(() => loadConfig(rest)).toThrow(/^Cannot start in production: set SMTP_URL$/);
  });

  it('refuses a short secret, a missing database and the demo data', () => {
    expect(() => loadConfig({ ...PRODUCTION, SESSION_SECRET: 'only-twenty-characters' })).toThrow(
      /SESSION_SECRET \(at least 32/,
    );
    const { DATABASE_URL: _db, ...embedded } = PRODUCTION;
    expect(() => loadConfig(embedded)).toThrow(/set DATABASE_URL$/);
    expect(() => loadConfig({ ...PRODUCTION, DEMO_DATA: 'yes' })).toThrow(/DEMO_DATA=yes is not allowed/);
  });

  it('starts with everything set, and warns when the public address is http', () => {
    const config = loadConfig(PRODUCTION);
    expect(config.SESSION_SECRET).toBe(PRODUCTION.SESSION_SECRET);
    expect(startupWarnings(config)).toEqual([]);
    const plain = loadConfig({ ...PRODUCTION, PUBLIC_URL: 'http://cabinet.example.kz' });
    expect(startupWarnings(plain)).toEqual([
      'Warning: PUBLIC_URL is http://cabinet.example.kz: cookies go without Secure and there is no HSTS. Serve the portal over https.',
    ]);
  });
});

describe('TRUST_PROXY setting', () => {
  it('takes addresses and CIDR ranges, default none', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).TRUST_PROXY).toEqual([]);
    expect(
      loadConfig({ NODE_ENV: 'test', TRUST_PROXY: '10.0.0.5, 10.1.0.0/16,::1,fd00::/8' }).TRUST_PROXY,
    ).toEqual(['10.0.0.5', '10.1.0.0/16', '::1', 'fd00::/8']);
  });
  it('refuses "true", hop counts and bad ranges with a clear line', () => {
    for (const bad of ['true', '1', '10.0.0.0/33', 'proxy.local', '10.0.0.1/8/2']) {
      expect(() => loadConfig({ NODE_ENV: 'test', TRUST_PROXY: bad })).toThrow(
        /^Invalid setting TRUST_PROXY: the proxies' IP addresses or CIDR ranges/,
      );
    }
  });
});

describe('session secret outside production', () => {
  it('is made at random per data directory, kept with mode 0600 and reused', () => {
    const one = mkdtempSync(join(tmpdir(), 'secret-one-'));
    const two = mkdtempSync(join(tmpdir(), 'secret-two-'));
    const first = loadConfig({ NODE_ENV: 'development', DATA_DIR: one }).SESSION_SECRET;
    const other = loadConfig({ NODE_ENV: 'development', DATA_DIR: two }).SESSION_SECRET;
    expect(first).toHaveLength(43);
    expect(other).toHaveLength(43);
    expect(first).not.toBe(other);
    expect(readFileSync(join(one, 'session-secret'), 'utf8').trim()).toBe(first);
    expect(statSync(join(one, 'session-secret')).mode & 0o777).toBe(0o600);
    expect(loadConfig({ NODE_ENV: 'development', DATA_DIR: one }).SESSION_SECRET).toBe(first);
  });

  it('creates a missing data directory; SESSION_SECRET wins over the file', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'secret-new-')), 'data');
    const made = loadConfig({ DATA_DIR: dir }).SESSION_SECRET;
    expect(readFileSync(join(dir, 'session-secret'), 'utf8').trim()).toBe(made);
    expect(loadConfig({ DATA_DIR: dir, SESSION_SECRET: 'given-secret-0123456789' }).SESSION_SECRET).toBe(
      'given-secret-0123456789',
    );
  });

  it('is never the formerly published demo value', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).SESSION_SECRET).not.toBe(
      'demo-secret-change-me-in-production-0123456789',
    );
  });
});

let handle: DatabaseHandle;
let dev: TestApp;
beforeAll(async () => {
  handle = await demoDatabase({ accounts: 5, months: 1 });
  dev = await testApp(handle, { NODE_ENV: 'development', DATA_DIR: 'memory://' });
  await handle.db
    .insertInto('mail_outbox')
    .values({
      to_address: 'someone@example.kz',
      subject: 'Password recovery',
      text_body: 'http://localhost:3000/password/reset?token=secret',
      purpose: 'recovery',
    })
    .execute();
});
afterAll(async () => {
  await dev?.app.close();
  await handle?.close();
});

async function mailbox(app: FastifyInstance, remoteAddress: string, headers: Record<string, string> = {}) {
  return app.inject({ method: 'GET', url: '/dev/mailbox', remoteAddress, headers });
}

describe(`dev mailbox only on this computer, never in production (${engine})`, () => {
  it('answers a browser on the loopback interface', async () => {
    expect((await mailbox(dev.app, '127.0.0.1')).statusCode).toBe(200);
    expect((await mailbox(dev.app, '::1')).statusCode).toBe(200);
    const page = await mailbox(dev.app, '::ffff:127.0.0.1');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('someone@example.kz');
  });

  it('is not there for another machine of the LAN, nor through a proxy', async () => {
    const lan = await mailbox(dev.app, '192.168.1.20');
    expect(lan.statusCode).toBe(404);
    expect(lan.body).not.toContain('someone@example.kz');
    const row = await handle.db.selectFrom('mail_outbox').select('id').executeTakeFirstOrThrow();
    const one = await dev.app.inject({
      method: 'GET',
      url: `/dev/mailbox/${row.id}`,
      remoteAddress: '10.0.0.7',
    });
    expect(one.statusCode).toBe(404);
    expect(one.body).not.toContain('token=secret');
    expect((await mailbox(dev.app, '127.0.0.1', { 'x-forwarded-for': '192.168.1.20' })).statusCode).toBe(404);
    expect((await mailbox(dev.app, '127.0.0.1', { forwarded: 'for=192.168.1.20' })).statusCode).toBe(404);
    // nginx's usual header, and the others proxies and CDNs add.
    for (const header of ['x-real-ip', 'via', 'x-forwarded-host', 'cf-connecting-ip', 'true-client-ip'])
      expect((await mailbox(dev.app, '127.0.0.1', { [header]: '8.8.8.8' })).statusCode, header).toBe(404);
  });

  it('spoofing the client address does not open it, whatever TRUST_PROXY says', async () => {
    const proxied = await testApp(handle, {
      NODE_ENV: 'development',
      DATA_DIR: 'memory://',
      TRUST_PROXY: '192.168.1.1',
    });
    try {
      const res = await mailbox(proxied.app, '192.168.1.1', { 'x-forwarded-for': '127.0.0.1' });
      expect(res.statusCode).toBe(404);
    } finally {
      await proxied.app.close();
    }
  });

  it('does not exist in production, even without an SMTP server and from loopback', async () => {
    // loadConfig refuses this configuration; the app must not open the mailbox even if given it.
    const config = { ...loadConfig(PRODUCTION), SMTP_URL: undefined };
    const app = await buildApp({ db: handle.db, config, engine: handle.engine });
    try {
      expect((await mailbox(app, '127.0.0.1')).statusCode).toBe(404);
    } finally {
      await app.close();
    }
  });

  it('the recovery page links to it only where it answers', async () => {
    const sentPage = async (remoteAddress: string) => {
      const page = await dev.app.inject({ method: 'GET', url: '/password/forgot', remoteAddress });
      const cookie = page.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
      return dev.app.inject({
        method: 'POST',
        url: '/password/forgot',
        remoteAddress,
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: csrf, loginOrEmail: 'nobody-here' }).toString(),
      });
    };
    const local = await sentPage('127.0.0.1');
    expect(local.statusCode).toBe(200);
    expect(local.body).toContain('href="/dev/mailbox"');
    const lan = await sentPage('192.168.1.21');
    expect(lan.statusCode).toBe(200);
    expect(lan.body).not.toContain('href="/dev/mailbox"');
  });
});

/** One account lookup (an address that does not exist), as a browser behind `remoteAddress`. */
async function lookup(app: FastifyInstance, remoteAddress: string, forwardedFor?: string) {
  const xff = forwardedFor ? { 'x-forwarded-for': forwardedFor } : {};
  const form = await app.inject({ method: 'GET', url: '/lookup', remoteAddress, headers: xff });
  const cookie = form.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
  const body = { _csrf: csrf, streetId: '999999', house: '1', surname: 'Nobody' };
  return app.inject({
    method: 'POST',
    url: '/lookup',
    remoteAddress,
    headers: { ...xff, cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(body).toString(),
  });
}

/** A bare POST /lookup (refused for its missing CSRF token, but counted by the per-IP limit). */
function bareLookup(app: FastifyInstance, remoteAddress: string, forwardedFor: string) {
  return app.inject({
    method: 'POST',
    url: '/lookup',
    remoteAddress,
    headers: { 'x-forwarded-for': forwardedFor },
  });
}

async function lastAuditIp(): Promise<string | null> {
  const row = await handle.db
    .selectFrom('audit_log')
    .select('ip')
    .where('action', '=', 'lookup.miss')
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  return row.ip;
}

describe(`client address: X-Forwarded-For only from configured proxies (${engine})`, () => {
  it('without TRUST_PROXY (production too) a spoofed X-Forwarded-For changes neither audit log nor rate limit', async () => {
    const prod = await testApp(handle, PRODUCTION);
    try {
      expect((await lookup(prod.app, '198.51.100.7', '203.0.113.9')).statusCode).toBe(200);
      expect(await lastAuditIp()).toBe('198.51.100.7');
      // POST /lookup takes 30 per IP in 10 minutes: a new forged address per request does not help.
      for (let i = 1; i <= 30; i++) {
        expect((await bareLookup(prod.app, '198.51.100.8', `203.0.113.${i}`)).statusCode).toBe(403);
      }
      expect((await bareLookup(prod.app, '198.51.100.8', '203.0.113.99')).statusCode).toBe(429);
    } finally {
      await prod.app.close();
    }
  });

  it('behind the configured proxy the right-most untrusted address is the client', async () => {
    const proxied = await testApp(handle, { ...PRODUCTION, TRUST_PROXY: '127.0.0.1' });
    try {
      expect((await lookup(proxied.app, '127.0.0.1', '6.6.6.6, 203.0.113.50')).statusCode).toBe(200);
      expect(await lastAuditIp()).toBe('203.0.113.50');
      // A client reaching the app directly is not a proxy: its header is not believed.
      expect((await lookup(proxied.app, '198.51.100.9', '203.0.113.51')).statusCode).toBe(200);
      expect(await lastAuditIp()).toBe('198.51.100.9');
      // Clients behind the proxy are counted one by one.
      for (let i = 1; i <= 30; i++) {
        expect((await bareLookup(proxied.app, '127.0.0.1', `${i}.1.1.1, 203.0.113.60`)).statusCode).toBe(403);
      }
      expect((await bareLookup(proxied.app, '127.0.0.1', '203.0.113.60')).statusCode).toBe(429);
      expect((await bareLookup(proxied.app, '127.0.0.1', '203.0.113.61')).statusCode).toBe(403);
    } finally {
      await proxied.app.close();
    }
  });
});

describe(`response headers (${engine})`, () => {
  let https: TestApp;
  beforeAll(async () => {
    https = await testApp(handle, { PUBLIC_URL: 'https://cabinet.example.kz' });
  });
  afterAll(async () => https?.app.close());

  it('no-store on pages, PDFs and JSON with personal data; static files keep their caching', async () => {
    const b = new Browser(https.app);
    expect((await b.login('01003317', DEMO_PASSWORD)).statusCode).toBe(303);
    const answers = {
      cabinet: await b.get('/cabinet'),
      pdf: await b.get('/cabinet/invoice.pdf?period=2020-05&download=1'),
      meters: await b.get('/api/v1/accounts/01003317/meters'),
      readings: await b.get('/api/v1/accounts/01003317/readings'),
      health: await b.get('/health'),
      missing: await b.get('/no-such-page'),
    };
    for (const [name, res] of Object.entries(answers)) {
      expect({ name, cacheControl: res.headers['cache-control'] }).toEqual({
        name,
        cacheControl: expect.stringMatching(/(^|, )no-store$/),
      });
    }
    expect(answers.meters.statusCode).toBe(200);
    expect(answers.meters.headers['content-type']).toContain('application/json');
    expect(answers.pdf.headers['content-type']).toBe('application/pdf');
    const css = await b.get('/static/app.css');
    expect(css.statusCode).toBe(200);
    expect(css.headers['cache-control']).toBe('public, max-age=3600');
    expect(answers.cabinet.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('every cookie is Secure when PUBLIC_URL is https: session, csrf, lang', async () => {
    const b = new Browser(https.app);
    const setCookies: string[] = [];
    const collect = (res: { headers: Record<string, unknown> }) => {
      setCookies.push(...[res.headers['set-cookie'] ?? []].flat().map(String));
    };
    collect(await b.get('/'));
    collect(await b.get('/lang/kk?next=/'));
    collect(await b.post('/login', { login: '01003317', password: DEMO_PASSWORD }));
    const names = setCookies.map((c) => c.split('=')[0]);
    expect(names).toEqual(expect.arrayContaining(['_csrf', 'lang', 'sid']));
    for (const c of setCookies) expect(c).toMatch(/; Secure(;|$)/);
  });
});
