/**
 * Routes read their requests through schemas (docs/decisions/178-request-schemas-zod.md): a route
 * module (`*.routes.ts(x)`, `*.api.ts`) declares `schema: { body, querystring, params }` with zod,
 * Fastify validates, and the handler reads typed values. This check lists, as file:line, every
 * place in a route module that reads a request around its schema:
 *
 * - a cast of the request (`req.body as …`, `req.query as …`, `req.params as …`);
 * - a hand-written request type (`app.post<{ Body: … }>`, `Querystring`, `Params`), which types
 *   what no schema checked;
 * - a helper reading a field of an untyped body (`field(req.body, 'x')`);
 * - `req.body` read in a module that declares no `body:` schema, or `req.query` / `req.params`
 *   in one without a `querystring:` / `params:` schema.
 *
 *   npx tsx scripts/check-requests.ts            the check (part of `npm run check`)
 *   npx tsx scripts/check-requests.ts --report   the findings, never fails
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { sourceFiles } from './check-sql';

const ROOT = join(import.meta.dirname, '..');

export interface RequestFinding {
  file: string;
  line: number;
  kind: string;
  text: string;
}

/** Route modules: where HTTP requests are read. */
export function isRouteModule(file: string): boolean {
  return /\.routes\.tsx?$|\.api\.ts$/.test(file) && !/\.test\.tsx?$/.test(file);
}

const LINE_RULES: [string, RegExp][] = [
  ['cast of the request', /\b(req|request)\.(body|query|params)\s*\)?\s*as\b/],
  [
    'hand-written request type',
    /\.(get|post|put|patch|delete|route)\s*<\s*\{\s*(Body|Querystring|Params)\s*:/,
  ],
  ['untyped field helper', /\b(field|rawField|fieldValues)\(\s*(req\.body|body|form)\b/],
];

const READS: [string, RegExp, RegExp][] = [
  ['body', /\breq\.body\b/, /\bbody:\s*\w/],
  ['query string', /\breq\.query\b/, /\bquerystring:\s*\w/],
  ['path parameters', /\breq\.params\b/, /\bparams:\s*\w/],
];

export function findUntypedReads(file: string, source: string): RequestFinding[] {
  const findings: RequestFinding[] = [];
  const lines = source.split('\n');
  const code = lines.map((text) => {
    const trimmed = text.trim();
    return trimmed.startsWith('//') || trimmed.startsWith('*') || trimmed.startsWith('/*') ? '' : text;
  });
  code.forEach((text, i) => {
    for (const [kind, pattern] of LINE_RULES) {
      if (pattern.test(text)) findings.push({ file, line: i + 1, kind, text: text.trim() });
    }
  });
  const all = code.join('\n');
  for (const [what, read, declared] of READS) {
    if (declared.test(all)) continue;
    code.forEach((text, i) => {
      if (read.test(text))
        findings.push({ file, line: i + 1, kind: `${what} read without a schema`, text: text.trim() });
    });
  }
  return findings;
}

export function scanRequests(): RequestFinding[] {
  return sourceFiles('src')
    .filter(isRouteModule)
    .flatMap((file) => findUntypedReads(file, readFileSync(join(ROOT, file), 'utf8')));
}

function main() {
  const findings = scanRequests();
  for (const f of findings) console.error(`${f.file}:${f.line}: ${f.kind}: ${f.text}`);
  console.log(`Request check: ${findings.length} untyped request reads in route modules`);
  if (findings.length > 0 && !process.argv.includes('--report')) {
    console.error(
      '\nA route declares schema: { body, querystring, params } with zod and reads the typed values (docs/decisions/178-request-schemas-zod.md).',
    );
    process.exit(1);
  }
}

if (process.argv[1] && relative(process.argv[1], import.meta.filename) === '') main();
