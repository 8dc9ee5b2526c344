import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Waits until `what` holds, checking every 100 ms; fails after `timeoutMs` naming what it waited for. */
export async function until(what: () => Promise<boolean>, timeoutMs: number, label: string): Promise<void> {
  const start = Date.now();
  while (!(await what())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for: ${label}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A real app or worker process (src/main.ts) and what it printed so far. */
export interface AppProcess {
  child: ChildProcess;
  port: number;
  output: string;
}

/**
 * Starts src/main.ts in a process of its own on `port` with the given environment on top of this
 * one's, and waits for its ready line ('Portal ready' or, with ROLE=worker, 'Worker ready').
 */
export async function startAppProcess(
  port: number,
  env: Record<string, string>,
  started: (app: AppProcess) => void = () => {},
): Promise<AppProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DEMO_DATA: 'no', NODE_ENV: 'test', ...env },
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const app: AppProcess = { child, port, output: '' };
  child.stdout?.on('data', (c: Buffer) => {
    app.output += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    app.output += c.toString();
  });
  started(app);
  const ready = env.ROLE === 'worker' ? 'Worker ready' : 'Portal ready';
  await until(
    async () => {
      if (child.exitCode !== null) throw new Error(`process on ${port} exited:\n${app.output}`);
      return app.output.includes(ready);
    },
    90_000,
    `process on port ${port} to start`,
  );
  return app;
}
