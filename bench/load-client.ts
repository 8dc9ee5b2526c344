/**
 * The load generator as its own process, so the client does not share the server's event loop.
 * Reads a job as JSON on stdin, prints the result as JSON on stdout.
 */
import { runLoad } from './http-load';

export interface LoadJob {
  url: string;
  path: string;
  concurrency: number;
  maxRequests: number;
  maxSeconds: number;
  expectStatus: number;
  /** Per customer: the cookie header and the form without its idempotency key. */
  customers: { cookie: string; form: string }[];
  tag: string;
}

let input = '';
for await (const chunk of process.stdin) input += chunk;
const job = JSON.parse(input) as LoadJob;
const result = await runLoad({
  url: job.url,
  concurrency: job.concurrency,
  maxRequests: job.maxRequests,
  maxSeconds: job.maxSeconds,
  expectStatus: job.expectStatus,
  request: (worker, n) => {
    const c = job.customers[(worker + n * job.concurrency) % job.customers.length]!;
    return {
      path: job.path,
      headers: { cookie: c.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: `${c.form}&key=${job.tag}w${worker}n${n}`,
    };
  },
});
process.stdout.write(JSON.stringify(result));
