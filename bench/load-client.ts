/**
 * The load generator as its own process, so the client does not share the server's event loop.
 * Reads a job as JSON on stdin, prints the result as JSON on stdout.
 */
import { formatMeterReading } from '../src/money/litres';
import { runLoad } from './http-load';

export interface LoadJob {
  url: string;
  path: string;
  concurrency: number;
  maxRequests: number;
  maxSeconds: number;
  expectStatus: number;
  /**
   * Per customer: the cookie header, the form without its readings and idempotency key, and the
   * litres each meter field starts from. Every submission sends new values (a correction), as a
   * value the meter already has this month is not stored again.
   */
  customers: { cookie: string; form: string; readings: [field: string, litres: number][] }[];
  tag: string;
  /** Added to every value's step, so two runs over the same customers send different values. */
  stepOffset: number;
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
    const turn = worker + n * job.concurrency;
    const c = job.customers[turn % job.customers.length]!;
    const step = job.stepOffset + Math.floor(turn / job.customers.length) + 1;
    const values = c.readings
      .map(([field, litres]) => `&${field}=${formatMeterReading(litres + step)}`)
      .join('');
    return {
      path: job.path,
      headers: { cookie: c.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: `${c.form}${values}&key=${job.tag}w${worker}n${n}`,
    };
  },
});
process.stdout.write(JSON.stringify(result));
