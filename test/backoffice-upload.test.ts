/**
 * The exchange upload is checked before it is read: an anonymous or CSRF-less upload is refused
 * at its first bytes (the answer comes while the client is still sending), the file is streamed
 * to a temporary file with a size limit, and bad file names are refused with a message.
 */

import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadRoot } from '../src/backoffice/upload';
import { DEMO_PASSWORD } from '../src/demo/demo-catalogue';
import { Browser, type TestApp, testApp, textOf } from './helpers/app';
import { demoDatabase } from './helpers/db';

const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
let t: TestApp;
let port: number;
let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'upload-test-'));
  t = await testApp(await demoDatabase({ accounts: 5, months: 3 }), {
    EXCHANGE_UPLOAD_MAX_MB: '1',
    DATA_DIR: dataDir,
  });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await t?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const BOUNDARY = '----cabinet-upload-boundary';
const cookieOf = (b: Browser) => [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
/** What is left in the upload directory (nothing once a request is answered). */
const uploadDirs = async () => readdir(uploadRoot(dataDir)).catch(() => []);

/** A multipart body: optionally the CSRF field first, then one file. */
function multipart(csrf: string | null, filename: string, content: Buffer | string): Buffer {
  const head =
    (csrf === null
      ? ''
      : `--${BOUNDARY}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n`) +
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n` +
    'Content-Type: text/csv\r\n\r\n';
  return Buffer.concat([Buffer.from(head), Buffer.from(content), Buffer.from(`\r\n--${BOUNDARY}--\r\n`)]);
}

/**
 * Sends a 150 MB upload over a real connection, 256 KB at a time, and stops as soon as the answer
 * comes. Says whether the answer came before the client finished sending, and how much was sent.
 */
function largeUpload(cookie: string, csrf: string | null) {
  const total = 150 * 1024 * 1024;
  const head = multipart(csrf, 'streets.csv', '').subarray(0, -`\r\n--${BOUNDARY}--\r\n`.length);
  const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
  return new Promise<{ status: number; finishedSending: boolean; sent: number }>((resolve, reject) => {
    let finishedSending = false;
    let answered = false;
    let sent = 0;
    const req = request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/backoffice/exchange/upload',
      headers: {
        'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
        'content-length': String(head.length + total + tail.length),
        cookie,
      },
    });
    req.on('response', (res) => {
      answered = true;
      res.resume();
      resolve({ status: res.statusCode ?? 0, finishedSending, sent });
      req.destroy();
    });
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    const chunk = Buffer.alloc(256 * 1024, 'a');
    const stopped = new Promise<void>((r) => {
      req.once('response', () => r());
      req.once('close', () => r());
    });
    void (async () => {
      req.write(head);
      while (!answered && sent < total) {
        const more = req.write(chunk);
        sent += chunk.length;
        if (!more) await Promise.race([new Promise((r) => req.once('drain', r)), stopped]);
      }
      if (!answered) {
        finishedSending = true;
        req.end(tail);
      }
    })();
  });
}

async function operator(locale: 'kk' | 'ru' | 'en') {
  const b = new Browser(t.app);
  await b.get(`/lang/${locale}`);
  await b.login('operator', DEMO_PASSWORD);
  await b.get('/backoffice/exchange');
  return b;
}

function upload(b: Browser, body: Buffer) {
  return t.app.inject({
    method: 'POST',
    url: '/backoffice/exchange/upload',
    payload: body,
    headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, cookie: cookieOf(b) },
  });
}

describe(`exchange upload checks (${engine})`, () => {
  it('refuses an anonymous 150 MB upload before reading it', async () => {
    const before = await uploadDirs();
    const res = await largeUpload('', null);
    expect(res.finishedSending).toBe(false);
    expect(res.status).toBe(303);
    expect(await uploadDirs()).toEqual(before);
  });

  it('refuses a staff upload without the CSRF token first, or with a wrong one, before reading it', async () => {
    const b = await operator('en');
    const before = await uploadDirs();
    const missing = await largeUpload(cookieOf(b), null);
    expect(missing.finishedSending).toBe(false);
    expect(missing.status).toBe(403);
    const wrong = await largeUpload(cookieOf(b), 'not-the-token');
    expect(wrong.finishedSending).toBe(false);
    expect(wrong.status).toBe(403);
    expect(await uploadDirs()).toEqual(before);
  });

  it('tells a staff user a file is too large, and imports nothing', async () => {
    const b = await operator('en');
    const rows = Array.from({ length: 60_000 }, (_, i) => `BIG${i},Long street name number ${i}`);
    const content = `code,name\n${rows.join('\n')}\n`;
    expect(content.length).toBeGreaterThan(1024 * 1024);
    const res = await upload(b, multipart(b.csrf, 'streets.csv', content));
    expect(res.statusCode).toBe(413);
    expect(textOf(res.body)).toContain('The file is too large: at most 1 MB.');
    const imported = await t.handle.db
      .selectFrom('streets')
      .select('id')
      .where('code', '=', 'BIG1')
      .execute();
    expect(imported).toEqual([]);
    expect(await uploadDirs()).toEqual([]);
    const audit = await t.handle.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'exchange.upload.refused')
      .execute();
    expect(audit.map((a) => a.details)).toContainEqual({ reason: 'too-large' });
  });

  it('refuses bad file names with a message in the user language', async () => {
    const b = await operator('ru');
    for (const name of ['../streets.csv', 'in\\streets.csv', 'streets\u0000.csv', '..']) {
      const res = await upload(b, multipart(b.csrf, name, 'code,name\nBAD1,Плохая\n'));
      expect(res.statusCode, name).toBe(400);
      expect(textOf(res.body), name).toContain('Недопустимое имя файла');
    }
    const imported = await t.handle.db
      .selectFrom('streets')
      .select('id')
      .where('code', '=', 'BAD1')
      .execute();
    expect(imported).toEqual([]);
    // A good name still imports.
    const ok = await upload(b, multipart(b.csrf, 'streets.csv', 'code,name\nGOOD1,Хорошая\n'));
    expect(ok.statusCode).toBe(200);
  });

  it('takes the CSRF token from the x-csrf-token header too', async () => {
    const b = await operator('en');
    const res = await t.app.inject({
      method: 'POST',
      url: '/backoffice/exchange/upload',
      payload: multipart(null, 'streets.csv', 'code,name\nHDR1,Header street\n'),
      headers: {
        'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
        'x-csrf-token': b.csrf,
        cookie: cookieOf(b),
      },
    });
    expect(res.statusCode).toBe(200);
    expect(textOf(res.body)).toContain('streets.csv: succeeded');
  });

  it('answers a broken body with a message', async () => {
    const b = await operator('en');
    const broken = await t.app.inject({
      method: 'POST',
      url: '/backoffice/exchange/upload',
      payload: `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="streets.csv"\r\n\r\ncode,na`,
      headers: {
        'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
        'x-csrf-token': b.csrf,
        cookie: cookieOf(b),
      },
    });
    expect(broken.statusCode).toBe(400);
    expect(textOf(broken.body)).toContain('Choose a file.');
  });
});
