import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haproxyCfg } from '../scripts/cluster';

/**
 * HAProxy as the cluster and the compose file configure it (scripts/cluster.ts, haproxyCfg), in
 * front of a stand-in instance whose /health/ready answers after 1.5 s, as an instance at
 * month-end with its 32 requests in flight does: it stays in and keeps serving. An instance that
 * is gone is taken out. Needs haproxy (Debian's package); skipped with the reason otherwise.
 */
let installed = true;
try {
  execFileSync('haproxy', ['-v'], { stdio: 'ignore' });
} catch {
  installed = false;
  console.log('test/haproxy-checks.test.ts skipped: haproxy is not installed (apt-get install -y haproxy).');
}

const PROXY_PORT = 5591;
let dir: string;
let proxy: ChildProcess | undefined;
let slow: Server;
let gone: Server;

const listen = (server: Server) =>
  new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );

beforeAll(async () => {
  if (!installed) return;
  // Readiness takes 1.5 s; the page itself answers at once.
  slow = createServer((req, res) => {
    const answer = () => res.writeHead(200, { 'content-type': 'text/plain' }).end(`served ${req.url}`);
    if (req.url === '/health/ready') setTimeout(answer, 1500);
    else answer();
  });
  gone = createServer((req, res) => res.writeHead(200).end(`gone ${req.url}`));
  const slowPort = await listen(slow);
  const gonePort = await listen(gone);
  dir = mkdtempSync(join(tmpdir(), 'haproxy-checks-'));
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, haproxyCfg({ port: PROXY_PORT, apps: [slowPort, gonePort] }));
  proxy = spawn('haproxy', ['-f', file, '-db'], { stdio: 'ignore' });
  // The second instance is lost at once; its port refuses connections from now on.
  await new Promise<void>((resolve) => gone.close(() => resolve()));
  gone.closeAllConnections();
}, 20_000);

afterAll(async () => {
  proxy?.kill('SIGKILL');
  slow?.closeAllConnections();
  await new Promise((r) => (slow ? slow.close(r) : r(undefined)));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!installed)('HAProxy health checks', () => {
  it('keeps an instance whose readiness answers late, and serves every request from it', async () => {
    // Long enough for several checks at 1 s: with the checks' former 1 s timeout both
    // instances were out by now, and every request got "503 No server is available".
    await new Promise((r) => setTimeout(r, 6_000));
    const answers: string[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await fetch(`http://127.0.0.1:${PROXY_PORT}/page-${i}`);
      answers.push(`${res.status} ${await res.text()}`);
    }
    // The lost instance is out (or its connection is retried on the other): every answer is the
    // slow instance's.
    expect(answers).toEqual(Array.from({ length: 10 }, (_, i) => `200 served /page-${i}`));
  }, 20_000);
});
