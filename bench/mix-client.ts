/**
 * The month-end mix's load generator (bench/city.bench.ts), as a process of its own so the client
 * does not share an event loop with anything it measures. Reads a job as JSON on stdin, prints the
 * result as JSON on stdout: per route, the latencies and the errors, and when each error happened.
 */
import http from 'node:http';
import { formatMeterReading } from '../src/money/litres';

export interface MixCustomer {
  /** Session cookie (and CSRF cookie) of a signed-in customer. */
  cookie: string;
  csrf: string;
  /** Meter fields of the readings form and the litres the first submission starts from. */
  readings: [field: string, litres: number][];
  /** For the sign-in route: the login, and a sign-in page's CSRF token with its cookie. */
  login: string;
  loginCookie: string;
  loginCsrf: string;
  /** The client address a proxy would see (X-Forwarded-For): customers come from many places. */
  ip: string;
}

export interface MixRoute {
  name: string;
  /** Requests of this route per 100 of the mix. */
  weight: number;
}

export interface MixJob {
  url: string;
  /**
   * Closed loop (no `rate`): this many requests in flight, each sent when one is answered; the
   * rate is what the servers manage. Open loop (`rate`): at most this many connections.
   */
  concurrency: number;
  /**
   * Open loop: requests sent at this many a second on a fixed schedule, whether or not the
   * earlier ones are answered, as independent customers arrive; a request's latency counts from
   * its scheduled time, so a wait for a free connection is in it (no "coordinated omission").
   */
  rate?: number;
  seconds: number;
  password: string;
  routes: MixRoute[];
  customers: MixCustomer[];
  /** The month whose invoice customers open (the last one closed). */
  period: string;
  /** Makes every submission's values and idempotency keys unique to this run. */
  tag: string;
}

export interface RouteResult {
  latenciesMs: number[];
  errors: number;
  /** Seconds since the start of the run at which each error was seen. */
  errorTimes: number[];
  /** A few distinct error answers (when first seen, status and the start of the body), to say what went wrong. */
  samples: string[];
}

export interface MixResult {
  seconds: number;
  /** Open loop: seconds from the start to the last answer (longer than `seconds` when behind). */
  drainedSeconds?: number;
  routes: Record<string, RouteResult>;
  /** When the run started (Date.now()), for events timed by other processes. */
  startedAtMs: number;
  /** CPU milliseconds the load client itself spent on the run (user + system). */
  clientCpuMs: number;
}

interface Planned {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
  expect: number;
}

/**
 * The n-th request of the run: its route is drawn from the mix by a fixed stride, its customer by
 * turn, one customer further on each pass over them, so every customer comes to every route (with
 * as many customers as routes in the sequence, or a multiple, a customer would otherwise get one
 * route only: a seventh of them every submission, past the monthly limit per meter).
 */
function plan(job: MixJob, route: string, turn: number): Planned {
  const n = job.customers.length;
  const c = job.customers[(turn + Math.floor(turn / n)) % n]!;
  // Asked for as a browser asks: answers come compressed, and their compression is counted.
  const common = { 'x-forwarded-for': c.ip, 'accept-encoding': 'gzip, deflate, br' };
  const page = (path: string): Planned => ({
    method: 'GET',
    path,
    headers: { ...common, cookie: c.cookie },
    expect: 200,
  });
  switch (route) {
    case 'sign in': {
      const body = new URLSearchParams({
        _csrf: c.loginCsrf,
        login: c.login,
        password: job.password,
      }).toString();
      return {
        method: 'POST',
        path: '/login',
        headers: { ...common, cookie: c.loginCookie, 'content-type': 'application/x-www-form-urlencoded' },
        body,
        expect: 303,
      };
    }
    case 'submit readings': {
      const step = Math.floor(turn / job.customers.length) + 1;
      const values = c.readings.map(([f, l]) => `&${f}=${formatMeterReading(l + step)}`).join('');
      return {
        method: 'POST',
        path: '/cabinet/readings',
        headers: { ...common, cookie: c.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: `_csrf=${encodeURIComponent(c.csrf)}${values}&key=${job.tag}t${turn}`,
        expect: 303,
      };
    }
    case 'readings page':
      return page('/cabinet/readings');
    case 'readings history':
      return page('/cabinet/readings/history');
    case 'invoice page':
      return page(`/cabinet/invoice?period=${job.period}`);
    case 'invoice PDF':
      return page(`/cabinet/invoice.pdf?period=${job.period}`);
    case 'statement page':
      return page('/cabinet/settlement');
    default:
      throw new Error(`unknown route ${route}`);
  }
}

/** The mix as a repeating sequence of 100 route names, interleaved so no route comes in bursts. */
export function sequence(routes: MixRoute[]): string[] {
  const total = routes.reduce((s, r) => s + r.weight, 0);
  const slots: { name: string; at: number }[] = [];
  for (const r of routes)
    for (let i = 0; i < r.weight; i++) slots.push({ name: r.name, at: (i + 0.5) / r.weight });
  slots.sort((a, b) => a.at - b.at);
  if (slots.length !== total) throw new Error('mix weights must be whole numbers');
  return slots.map((s) => s.name);
}

async function run(job: MixJob): Promise<MixResult> {
  const target = new URL(job.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency });
  const order = sequence(job.routes);
  const routes: Record<string, RouteResult> = {};
  for (const r of job.routes) routes[r.name] = { latenciesMs: [], errors: 0, errorTimes: [], samples: [] };
  const t0 = performance.now();
  const startedAtMs = Date.now();
  const cpu0 = process.cpuUsage();
  const cpuMs = () => {
    const spent = process.cpuUsage(cpu0);
    return (spent.user + spent.system) / 1000;
  };
  const deadline = t0 + job.seconds * 1000;
  let turn = 0;
  const one = (p: Planned) =>
    new Promise<{ ok: boolean; sample: string }>((resolve) => {
      const req = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: p.method,
          path: p.path,
          agent,
          headers: p.body ? { ...p.headers, 'content-length': Buffer.byteLength(p.body) } : p.headers,
        },
        (res) => {
          let head = '';
          res.on('data', (d: Buffer) => {
            if (head.length < 120) head += d.toString('utf8', 0, 120);
          });
          res.on('end', () =>
            resolve({
              ok: res.statusCode === p.expect,
              // A compressed body says nothing as text: its encoding stands for it.
              sample: res.headers['content-encoding']
                ? `${res.statusCode} (${res.headers['content-encoding']})`
                : `${res.statusCode} ${head.replace(/\s+/g, ' ').slice(0, 100)}`,
            }),
          );
        },
      );
      req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
      req.on('error', (e) => resolve({ ok: false, sample: `error ${e.message}` }));
      req.end(p.body);
    });
  const send = async (n: number, since: number) => {
    const name = order[n % order.length]!;
    const { ok, sample } = await one(plan(job, name, n));
    const r = routes[name]!;
    r.latenciesMs.push(performance.now() - since);
    if (!ok) {
      r.errors += 1;
      r.errorTimes.push((performance.now() - t0) / 1000);
      // Distinct answers, each with when it was first seen ("12.3 s: 503 ...").
      const at = (performance.now() - t0) / 1000;
      if (r.samples.length < 3 && !r.samples.some((s) => s.endsWith(` s: ${sample}`)))
        r.samples.push(`${at.toFixed(1)} s: ${sample}`);
    }
  };
  if (job.rate) {
    // Open loop: the n-th request is due at t0 + n / rate. The timer wakes every millisecond or
    // so and sends everything due; a late wake-up does not lower the rate (the request counts
    // from when it was due).
    const interval = 1000 / job.rate;
    const pending = new Set<Promise<void>>();
    while (performance.now() < deadline) {
      const now = performance.now();
      while (t0 + turn * interval <= now) {
        const due = t0 + turn * interval;
        const p = send(turn++, due).finally(() => pending.delete(p));
        pending.add(p);
      }
      await new Promise((r) => setTimeout(r, 1));
    }
    await Promise.all(pending);
    agent.destroy();
    // The rate over the scheduled time: answers still coming in after it do not stretch it.
    return {
      seconds: job.seconds,
      drainedSeconds: (performance.now() - t0) / 1000,
      routes,
      clientCpuMs: cpuMs(),
      startedAtMs,
    };
  }
  await Promise.all(
    Array.from({ length: job.concurrency }, async () => {
      while (performance.now() < deadline) await send(turn++, performance.now());
    }),
  );
  agent.destroy();
  return { seconds: (performance.now() - t0) / 1000, routes, clientCpuMs: cpuMs(), startedAtMs };
}

if (process.argv[1]?.endsWith('mix-client.ts')) {
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  process.stdout.write(JSON.stringify(await run(JSON.parse(input) as MixJob)));
}
