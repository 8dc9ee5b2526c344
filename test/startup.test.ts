import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Runs `npm start`'s entry point and returns its exit code and output. */
function start(
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { ...process.env, ...env, CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 140_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, stdout });
    });
  });
}

describe('bad configuration exits with one clear line', { timeout: 150_000 }, () => {
  let blocker: Server;
  let port = 0;
  beforeAll(async () => {
    blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '0.0.0.0', () => r()));
    port = (blocker.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((r) => blocker.close(() => r())));

  it('unreachable DATABASE_URL', async () => {
    const res = await start({
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
      DATA_DIR: 'memory://',
      PORT: '0',
    });
    expect(res.code).toBe(1);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toContain('Cannot connect to PostgreSQL at postgres://nobody@127.0.0.1:1/none');
  });

  it('port in use', async () => {
    const res = await start({
      DATABASE_URL: process.env.TEST_DATABASE_URL ?? '',
      DATA_DIR: 'memory://',
      DEMO_DATA: 'no',
      PORT: String(port),
    });
    expect(res.code).toBe(1);
    expect(res.stderr.trim()).toBe(`Port ${port} is already in use. Stop the other program or set PORT.`);
  });

  it('production without its settings', async () => {
    const res = await start({
      NODE_ENV: 'production',
      SESSION_SECRET: 'short-but-sixteen+',
      SMTP_URL: '',
      PUBLIC_URL: '',
      DATABASE_URL: '',
      PORT: '0',
    });
    expect(res.code).toBe(1);
    expect(res.stderr.trim()).toBe(
      'Cannot start in production: set SESSION_SECRET (at least 32 random characters), SMTP_URL, PUBLIC_URL, DATABASE_URL',
    );
  });

  it('invalid setting', async () => {
    const res = await start({ PORT: 'eighty' });
    expect(res.code).toBe(1);
    expect(res.stderr.trim()).toMatch(/^Invalid setting PORT: /);
  });
});
