import { spawn } from 'node:child_process';
import http from 'node:http';
import { join } from 'node:path';

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  latenciesMs: number[];
}

/** A small concurrent HTTP/1.1 client on keep-alive sockets, bounded by a request count and a time. */
export async function runLoad(options: {
  url: string;
  concurrency: number;
  maxRequests: number;
  maxSeconds: number;
  /** The n-th request of worker w: method, path, headers, body; returns whether the answer is right. */
  request: (worker: number, n: number) => { path: string; headers: Record<string, string>; body: string };
  expectStatus: number;
}): Promise<LoadResult> {
  const target = new URL(options.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const latencies: number[] = [];
  let started = 0;
  let errors = 0;
  const t0 = performance.now();
  const deadline = t0 + options.maxSeconds * 1000;
  const one = (worker: number, n: number) =>
    new Promise<boolean>((resolve) => {
      const r = options.request(worker, n);
      const req = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: 'POST',
          path: r.path,
          agent,
          headers: { ...r.headers, 'content-length': Buffer.byteLength(r.body) },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode === options.expectStatus));
        },
      );
      req.on('error', () => resolve(false));
      req.end(r.body);
    });
  await Promise.all(
    Array.from({ length: options.concurrency }, async (_, worker) => {
      let n = 0;
      while (started < options.maxRequests && performance.now() < deadline) {
        started += 1;
        const s = performance.now();
        const ok = await one(worker, n++);
        latencies.push(performance.now() - s);
        if (!ok) errors += 1;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  return { requests: latencies.length, errors, seconds, latenciesMs: latencies };
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * Runs a load client (a script of bench/) in a Node process of its own, so the client does not
 * share an event loop with what it measures: the job goes in as JSON on stdin, the result comes
 * back as JSON on stdout.
 */
export function runInChildProcess<T>(script: string, job: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, script)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out) as T) : reject(new Error(`${script} exited ${code}`)),
    );
    child.stdin.end(JSON.stringify(job));
  });
}
