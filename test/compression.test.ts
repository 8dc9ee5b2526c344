/**
 * Pages, styles and scripts go out compressed to a client that asks (brotli first, gzip for the
 * clients without it) and decompress to exactly what an uncompressed answer holds; a client that
 * does not ask gets them plain. Request bodies are not taken compressed.
 */
import { brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../src/demo/demo-catalogue';
import { Browser, type TestApp, testApp } from './helpers/app';
import { demoDatabase } from './helpers/db';

let t: TestApp;
beforeAll(async () => {
  t = await testApp(await demoDatabase({ accounts: 5, months: 1 }));
});
afterAll(async () => {
  await t?.close();
});

const get = (url: string, encoding?: string) =>
  t.app.inject({ url, headers: encoding ? { 'accept-encoding': encoding } : {} });

describe('compressed answers', () => {
  it('sends the stylesheet, a script and the login page in brotli, or gzip, or plain as asked', async () => {
    for (const url of ['/static/app.css', '/static/leaflet/leaflet.js', '/']) {
      const plain = await get(url);
      expect(plain.statusCode, url).toBe(200);
      expect(plain.headers['content-encoding'], url).toBeUndefined();
      const br = await get(url, 'gzip, deflate, br');
      expect(br.headers['content-encoding'], url).toBe('br');
      expect(br.rawPayload.length, url).toBeLessThan(plain.rawPayload.length / 2);
      const gz = await get(url, 'gzip');
      expect(gz.headers['content-encoding'], url).toBe('gzip');
      if (url === '/') {
        // The page carries a fresh CSRF token each time: compare the text around it.
        const mask = (html: string) => html.replace(/content="[^"]+"/g, '').replace(/value="[^"]+"/g, '');
        expect(mask(brotliDecompressSync(br.rawPayload).toString()), url).toBe(mask(plain.body));
        expect(mask(gunzipSync(gz.rawPayload).toString()), url).toBe(mask(plain.body));
      } else {
        expect(brotliDecompressSync(br.rawPayload).equals(plain.rawPayload), url).toBe(true);
        expect(gunzipSync(gz.rawPayload).equals(plain.rawPayload), url).toBe(true);
      }
    }
  });

  it('keeps static files cacheable and pages uncached when compressed', async () => {
    expect((await get('/static/app.css', 'br')).headers['cache-control']).toBe('public, max-age=3600');
    expect((await get('/', 'br')).headers['cache-control']).toBe('no-store');
  });

  it('does not unpack a gzip request body: the same sign-in that works plain is refused gzipped', async () => {
    const form = (b: Browser) =>
      new URLSearchParams({ _csrf: b.csrf, login: '01003317', password: DEMO_PASSWORD }).toString();
    const plain = new Browser(t.app);
    await plain.get('/');
    const ok = await plain.post('/login', { login: '01003317', password: DEMO_PASSWORD });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toMatch(/^\/cabinet/);

    const packed = new Browser(t.app);
    await packed.get('/');
    const res = await t.app.inject({
      method: 'POST',
      url: '/login',
      headers: {
        cookie: [...packed.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        'content-type': 'application/x-www-form-urlencoded',
        'content-encoding': 'gzip',
      },
      payload: gzipSync(form(packed)),
    });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expect(res.cookies.map((c) => c.name)).not.toContain('sid');
  });
});
