/**
 * Runs every bench/*.bench.ts (or those named on the command line) and prints one table.
 * A bench file exports `default async function (): Promise<BenchRow[]>` and measures its own
 * baseline in the same run, so the figures are read side by side on the same machine.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface BenchRow {
  bench: string;
  case: string;
  requests: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  note?: string;
}

const dir = import.meta.dirname;
const wanted = process.argv.slice(2);
/**
 * Benches that take many minutes, a browser or a kept database run only when named
 * (`npm run bench -- city`).
 */
const ON_REQUEST = ['city.bench.ts', 'delivery.bench.ts', 'pages.bench.ts'];
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => (wanted.length ? wanted.some((w) => f.includes(w)) : !ON_REQUEST.includes(f)))
  .sort();

const rows: BenchRow[] = [];
for (const file of files) {
  process.stderr.write(`running ${file}...\n`);
  const mod = (await import(pathToFileURL(join(dir, file)).href)) as { default: () => Promise<BenchRow[]> };
  rows.push(...(await mod.default()));
}

const header = ['bench', 'case', 'requests', 'errors', 'seconds', 'per second', 'p50 ms', 'p99 ms', 'note'];
const table = rows.map((r) => [
  r.bench,
  r.case,
  String(r.requests),
  String(r.errors),
  r.seconds.toFixed(1),
  r.perSecond.toFixed(0),
  r.p50Ms.toFixed(1),
  r.p99Ms.toFixed(1),
  r.note ?? '',
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const row of table) console.log(line(row));
process.exit(0);
