/**
 * Light pages for phones on slow networks: every customer and public page measured by Lighthouse
 * (mobile emulation with its simulated slow 4G and slow CPU) in Debian's Chromium, against the app
 * started here on 127.0.0.1 over a demo city in PGlite. Cabinet pages are opened with a signed-in
 * customer's session cookie. Prints, per page, the performance and accessibility scores, the bytes
 * transferred (HTML, CSS and JS as sent, compressed when the answer is) and the requests to other
 * hosts, and which goal each page misses:
 * performance >= 95 and accessibility 100 on login, readings, invoice and statement; no page over
 * 60 KB; no request to another host except the map page's tiles.
 *
 * `npm run bench -- pages`; BENCH_PAGES=/,/map measures only those paths.
 */
import type { AddressInfo } from 'node:net';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { buildApp } from '../src/app';
import { SESSION_COOKIE } from '../src/auth/login.routes';
import { createSession } from '../src/auth/sessions';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/db/database';
import { migrateToLatest } from '../src/db/migrate';
import { loadDemoDataIfEmpty } from '../src/demo/demo-data';
import type { BenchRow } from './run';

const CHROME_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
const CUSTOMER = '02015213';

interface PageSpec {
  path: string;
  /** Opened signed in. */
  cabinet?: boolean;
  /** The goals of performance >= 95 and accessibility 100 apply. */
  key?: boolean;
  /** Requests to other hosts allowed (the map's tiles). */
  tiles?: boolean;
}

const PAGES: PageSpec[] = [
  { path: '/', key: true },
  { path: '/register' },
  { path: '/password/forgot' },
  { path: '/lookup' },
  { path: '/ask' },
  { path: '/qa' },
  { path: '/notes' },
  { path: '/map', tiles: true },
  { path: '/cabinet', cabinet: true },
  { path: '/cabinet/readings', cabinet: true, key: true },
  { path: '/cabinet/readings/history', cabinet: true },
  { path: '/cabinet/breakdown', cabinet: true },
  { path: '/cabinet/invoice', cabinet: true, key: true },
  { path: '/cabinet/settlement', cabinet: true, key: true },
  { path: '/cabinet/email', cabinet: true },
  { path: '/cabinet/password', cabinet: true },
  { path: '/cabinet/subscriptions', cabinet: true },
  { path: '/cabinet/guide', cabinet: true },
];

const MAX_BYTES = 60 * 1024;
const COUNTED_TYPES = new Set(['Document', 'Stylesheet', 'Script']);

interface NetworkItem {
  url: string;
  transferSize?: number;
  resourceType?: string;
}

class LighthouseRunError extends Error {}

interface Measured {
  spec: PageSpec;
  performance: number;
  accessibility: number;
  bytes: number;
  otherHosts: string[];
  seconds: number;
  failedAudits: string[];
  /** The timings Lighthouse scores, in its simulated phone (ms; CLS unitless). */
  timings: string;
}

async function startServer() {
  const handle = await openDatabase({ dataDir: 'memory://' });
  await migrateToLatest(handle.db);
  await loadDemoDataIfEmpty(handle.db, { accounts: 30, months: 12 });
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const app = await buildApp({ db: handle.db, config, engine: handle.engine });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const user = await handle.db
    .selectFrom('users')
    .innerJoin('user_accounts', 'user_accounts.user_id', 'users.id')
    .innerJoin('accounts', 'accounts.id', 'user_accounts.account_id')
    .select('users.id')
    .where('accounts.number', '=', CUSTOMER)
    .executeTakeFirstOrThrow();
  const { secret } = await createSession(handle.db, { userId: user.id, persistent: true });
  return {
    base,
    cookie: `${SESSION_COOKIE}=${secret}`,
    async close() {
      await app.close();
      await handle.close();
    },
  };
}

async function measure(port: number, base: string, cookie: string, spec: PageSpec): Promise<Measured> {
  const started = performance.now();
  const result = await lighthouse(`${base}${spec.path}`, {
    port,
    output: 'json',
    logLevel: 'error',
    onlyCategories: ['performance', 'accessibility'],
    ...(spec.cabinet ? { extraHeaders: { cookie } } : {}),
  });
  if (!result) throw new Error(`Lighthouse gave no result for ${spec.path}`);
  const lhr = result.lhr;
  if (lhr.runtimeError)
    throw new LighthouseRunError(`${spec.path}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
  if (spec.cabinet && new URL(lhr.finalDisplayedUrl).pathname !== spec.path)
    throw new Error(`${spec.path} ended at ${lhr.finalDisplayedUrl}: the session cookie was not taken`);
  const items = ((lhr.audits['network-requests']?.details as { items?: NetworkItem[] } | undefined)?.items ??
    []) as NetworkItem[];
  const origin = new URL(base).origin;
  const bytes = items
    .filter((i) => COUNTED_TYPES.has(i.resourceType ?? ''))
    .reduce((sum, i) => sum + (i.transferSize ?? 0), 0);
  const otherHosts = [
    ...new Set(
      items
        .filter((i) => /^https?:/.test(i.url) && new URL(i.url).origin !== origin)
        .map((i) => new URL(i.url).host),
    ),
  ];
  const failedAudits = Object.values(lhr.audits)
    .filter((a) => a.scoreDisplayMode === 'binary' && a.score === 0)
    .map((a) => a.id);
  const metric = (id: string, label: string) => {
    const value = lhr.audits[id]?.numericValue;
    return value === undefined
      ? ''
      : `${label} ${id === 'cumulative-layout-shift' ? value.toFixed(3) : Math.round(value)}`;
  };
  const timings = [
    metric('first-contentful-paint', 'FCP'),
    metric('largest-contentful-paint', 'LCP'),
    metric('total-blocking-time', 'TBT'),
    metric('cumulative-layout-shift', 'CLS'),
    metric('speed-index', 'SI'),
  ].join(', ');
  return {
    spec,
    timings,
    performance: Math.round((lhr.categories.performance?.score ?? 0) * 100),
    accessibility: Math.round((lhr.categories.accessibility?.score ?? 0) * 100),
    bytes,
    otherHosts,
    seconds: (performance.now() - started) / 1000,
    failedAudits,
  };
}

/**
 * Measures a page in a browser of its own; a run that Lighthouse itself reports as broken (a
 * trace it could not record, which happens on a busy machine) is run again, up to three times.
 */
async function measureFresh(base: string, cookie: string, spec: PageSpec): Promise<Measured> {
  for (let attempt = 1; ; attempt++) {
    const chrome = await chromeLauncher.launch({
      chromePath: '/usr/bin/chromium',
      chromeFlags: CHROME_FLAGS,
    });
    try {
      const m = await measure(chrome.port, base, cookie, spec);
      process.stderr.write(
        `    performance ${m.performance}, accessibility ${m.accessibility}, ${(m.bytes / 1024).toFixed(1)} KB\n`,
      );
      return m;
    } catch (error) {
      if (attempt >= 3 || !(error instanceof LighthouseRunError)) throw error;
      process.stderr.write(`    ${error.message}; again\n`);
    } finally {
      chrome.kill();
    }
  }
}

/** The goals a page misses (empty when it meets them all). */
function misses(m: Measured): string[] {
  const out: string[] = [];
  if (m.spec.key && m.performance < 95) out.push('performance < 95');
  if (m.spec.key && m.accessibility < 100) out.push('accessibility < 100');
  if (m.bytes > MAX_BYTES) out.push('over 60 KB');
  if (!m.spec.tiles && m.otherHosts.length) out.push('other hosts');
  return out;
}

function printTable(rows: Measured[]) {
  const header = ['page', 'performance', 'accessibility', 'KB transferred', 'other hosts', 'goals'];
  const table = rows.map((m) => [
    m.spec.path,
    String(m.performance),
    String(m.accessibility),
    (m.bytes / 1024).toFixed(1),
    m.otherHosts.length ? m.otherHosts.join(' ') : '0',
    misses(m).join(', ') || 'met',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of table) console.log(line(r));
  for (const m of rows) console.log(`${m.spec.path}: ${m.timings}`);
  for (const m of rows)
    if (m.failedAudits.length) console.log(`${m.spec.path}: failed audits ${m.failedAudits.join(', ')}`);
  console.log('');
}

export default async function pagesBench(): Promise<BenchRow[]> {
  const wanted = process.env.BENCH_PAGES?.split(',');
  const pages = wanted ? PAGES.filter((p) => wanted.includes(p.path)) : PAGES;
  const server = await startServer();
  const rows: Measured[] = [];
  try {
    // One page at a time, each in a fresh browser profile: an empty cache (the page's cold load)
    // and no cookie left by the page before, which would stand in for the session header.
    for (const spec of pages) {
      process.stderr.write(`  lighthouse ${spec.path}\n`);
      rows.push(await measureFresh(server.base, server.cookie, spec));
    }
  } finally {
    await server.close();
  }
  printTable(rows);
  return rows.map((m) => ({
    bench: 'pages',
    case: m.spec.path,
    requests: 1,
    errors: misses(m).length,
    seconds: m.seconds,
    perSecond: 1 / m.seconds,
    p50Ms: m.seconds * 1000,
    p99Ms: m.seconds * 1000,
    note: `perf ${m.performance}, a11y ${m.accessibility}, ${(m.bytes / 1024).toFixed(1)} KB, ${misses(m).join(', ') || 'goals met'}`,
  }));
}
