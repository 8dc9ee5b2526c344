/**
 * SQL lives in `*.queries.ts` (one exported function per question), in migrations and in the
 * database plumbing of src/db; use cases (`*.service.ts`) may open transactions, but not query.
 * This check lists every other line of src/ that builds or runs SQL, as file:line, and fails
 * unless the file is a known violation in .shape-exceptions.json, within its listed count.
 * See docs/architecture.md and docs/decisions/100-shape-checks.md.
 *
 *   npx tsx scripts/check-sql.ts            the check (part of `npm run check`)
 *   npx tsx scripts/check-sql.ts --report   counts only, never fails (for measuring)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const EXCEPTIONS_FILE = '.shape-exceptions.json';

/** What counts as SQL: building a query, writing SQL text, or sending text to a connection. */
const QUERY_PATTERNS: [string, RegExp][] = [
  ['query builder', /\.(selectFrom|insertInto|updateTable|deleteFrom|mergeInto|replaceInto)\(/],
  ['sql template', /\bsql(<[^`]*>)?`/],
  ['sql fragment', /\bsql\.(raw|ref|table|id|lit|join|val)\(/],
  ['raw query', /\.executeQuery\(|CompiledQuery\.raw\(|\.query\(\s*['"`]/],
];
/** Opening a transaction: a use case's job, so allowed in `*.service.ts` (and queries). */
const TRANSACTION = /\.transaction\(\)|\.transaction\(\s*(async|\()/;

export interface Finding {
  file: string;
  line: number;
  kind: string;
  text: string;
}

interface Exceptions {
  sql: Record<string, { count: number; why: string }>;
}

/** Files where SQL belongs: answered `true` means the file is not checked at all. */
export function sqlBelongsIn(file: string): boolean {
  return (
    file.endsWith('.queries.ts') ||
    /\.test\.tsx?$/.test(file) || // tests may read rows to assert them
    file.startsWith('src/db/') || // connection, dialects, migrations, batching: the SQL plumbing
    file === 'src/demo/demo-data.ts' // the demo seed writes its fixed rows once, like a migration
  );
}

export function findSql(file: string, source: string): Finding[] {
  const findings: Finding[] = [];
  const transactionsAllowed = file.endsWith('.service.ts');
  const lines = source.split('\n');
  lines.forEach((text, i) => {
    const code = text.trim();
    if (code.startsWith('//') || code.startsWith('*') || code.startsWith('/*')) return;
    for (const [kind, pattern] of QUERY_PATTERNS) {
      if (pattern.test(text)) {
        findings.push({ file, line: i + 1, kind, text: code });
        return;
      }
    }
    if (!transactionsAllowed && TRANSACTION.test(text))
      findings.push({ file, line: i + 1, kind: 'transaction outside a use case', text: code });
  });
  return findings;
}

/** The .ts and .tsx files below `dir` (relative to the repository), as repository paths. */
export function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

export function scan(): Finding[] {
  return sourceFiles('src')
    .filter((file) => !sqlBelongsIn(file))
    .flatMap((file) => findSql(file, readFileSync(join(ROOT, file), 'utf8')));
}

function byFile(findings: Finding[]): Map<string, Finding[]> {
  const files = new Map<string, Finding[]>();
  for (const f of findings) files.set(f.file, [...(files.get(f.file) ?? []), f]);
  return files;
}

function main() {
  const findings = scan();
  const files = byFile(findings);
  const routeModules = [...files.keys()].filter((f) => /\.routes\.tsx?$|\.api\.ts$/.test(f));
  if (process.argv.includes('--report')) {
    for (const [file, list] of files) console.log(`${String(list.length).padStart(4)}  ${file}`);
    console.log(
      `SQL outside *.queries.ts: ${findings.length} lines in ${files.size} files, ${routeModules.length} of them route modules`,
    );
    return;
  }

  const exceptions = (JSON.parse(readFileSync(join(ROOT, EXCEPTIONS_FILE), 'utf8')) as Exceptions).sql;
  const problems: string[] = [];
  const notes: string[] = [];
  for (const [file, list] of files) {
    const known = exceptions[file];
    if (!known) {
      problems.push(...list.map((f) => `${f.file}:${f.line}: ${f.kind}: ${f.text}`));
    } else if (list.length > known.count) {
      problems.push(
        `${file}: ${list.length} SQL lines, more than the ${known.count} listed in ${EXCEPTIONS_FILE} (the list may only shrink):`,
        ...list.map((f) => `  ${f.file}:${f.line}: ${f.kind}: ${f.text}`),
      );
    } else if (list.length < known.count) {
      notes.push(`${file}: down to ${list.length} SQL lines: lower its count in ${EXCEPTIONS_FILE}`);
    }
  }
  for (const file of Object.keys(exceptions)) {
    if (!files.has(file))
      problems.push(`${file}: no SQL left (or no such file): remove it from ${EXCEPTIONS_FILE}`);
  }

  const listed = Object.keys(exceptions).length;
  console.log(
    `SQL check: ${findings.length} SQL lines outside *.queries.ts in ${files.size} files; ${listed} files are known exceptions (${EXCEPTIONS_FILE}, may only shrink)`,
  );
  for (const note of notes) console.log(`  note: ${note}`);
  if (problems.length > 0) {
    console.error(
      `\nSQL belongs in a *.queries.ts module (see docs/architecture.md); transactions in a *.service.ts use case:\n`,
    );
    for (const p of problems) console.error(p);
    process.exit(1);
  }
}

if (process.argv[1] && relative(process.argv[1], import.meta.filename) === '') main();
