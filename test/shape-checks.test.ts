import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findUntypedReads, isRouteModule, scanRequests } from '../scripts/check-requests';
import { findSql, scan, sqlBelongsIn } from '../scripts/check-sql';

describe('the SQL check', () => {
  it('flags a query built or written in a route module, with its line', () => {
    const source = [
      "import { sql } from 'kysely';",
      'export async function page(db: DB) {',
      "  const rows = await db.selectFrom('accounts').selectAll().execute();",
      '  await sql`delete from sessions`.execute(db);',
      "  await db.transaction().execute(async (tx) => tx.insertInto('audit_log').values(row).execute());",
      '}',
    ].join('\n');
    expect(findSql('src/x/page.routes.tsx', source).map((f) => [f.line, f.kind])).toEqual([
      [3, 'query builder'],
      [4, 'sql template'],
      [5, 'query builder'],
    ]);
  });

  it('lets a use case open its transaction, but not a route', () => {
    const source = 'return db.transaction().execute(async (tx) => submit(tx, input));';
    expect(findSql('src/x/submit.service.ts', source)).toEqual([]);
    expect(findSql('src/x/submit.routes.tsx', source).map((f) => f.kind)).toEqual([
      'transaction outside a use case',
    ]);
  });

  it('does not count comments, nor the places where SQL belongs', () => {
    expect(findSql('src/x/a.ts', '// db.selectFrom(...) is in x.queries.ts\n * sql`...`')).toEqual([]);
    expect(sqlBelongsIn('src/readings/readings.queries.ts')).toBe(true);
    expect(sqlBelongsIn('src/db/migrations/0001_domain.ts')).toBe(true);
    expect(sqlBelongsIn('src/readings/readings.routes.tsx')).toBe(false);
  });

  it('finds no SQL outside *.queries.ts in the readings room, the example to copy', () => {
    expect(scan().filter((f) => f.file.startsWith('src/readings/') && f.file.includes('.routes.'))).toEqual(
      [],
    );
  });

  it('keeps a reason for every known exception', () => {
    const { sql } = JSON.parse(readFileSync('.shape-exceptions.json', 'utf8')) as {
      sql: Record<string, { count: number; why: string }>;
    };
    for (const [file, entry] of Object.entries(sql)) {
      expect(entry.why.length, file).toBeGreaterThan(10);
      expect(entry.count, file).toBeGreaterThan(0);
    }
  });
});

describe('the function length check', () => {
  type Rule = string | { level: string; options?: { maxLines?: number } };
  type Override = {
    includes: string[];
    linter?: { rules?: { complexity?: { noExcessiveLinesPerFunction?: Rule } } };
  };
  const biome = JSON.parse(readFileSync('biome.json', 'utf8')) as { overrides?: Override[] };
  const ruleOf = (o: Override) => o.linter?.rules?.complexity?.noExcessiveLinesPerFunction;
  const exceptions = (
    JSON.parse(readFileSync('.shape-exceptions.json', 'utf8')) as {
      functionLength: Record<string, { why: string }>;
    }
  ).functionLength;

  it('holds every function in src to 80 lines', () => {
    const on = (biome.overrides ?? []).find((o) => o.includes.includes('src/**'));
    const rule = on && ruleOf(on);
    expect(typeof rule === 'object' && rule.level).toBe('error');
    expect(typeof rule === 'object' && rule.options?.maxLines).toBeLessThanOrEqual(80);
  });

  it('switches it off only for tests, browser scripts and the listed exceptions, each with a reason', () => {
    const off = (biome.overrides ?? []).filter((o) => ruleOf(o) === 'off').flatMap((o) => o.includes);
    const files = off.filter((f) => !/\.test\.tsx?$/.test(f) && f !== 'src/web/static/**');
    expect(files.sort()).toEqual(Object.keys(exceptions).sort());
    for (const [file, entry] of Object.entries(exceptions))
      expect(entry.why.length, file).toBeGreaterThan(10);
  });

  it('finds no function over the limit in src today', () => {
    const run = () =>
      execFileSync(
        'node_modules/.bin/biome',
        ['lint', '--only=complexity/noExcessiveLinesPerFunction', '--max-diagnostics=20', 'src'],
        { encoding: 'utf8', stdio: 'pipe' },
      );
    expect(run).not.toThrow();
  });
});

describe('the request check', () => {
  it('flags a cast, a hand-written request type and a field helper over an untyped body, with their lines', () => {
    const source = [
      "app.post<{ Body: { name: string } }>('/x', { schema: { body: form } }, async (req) => {",
      '  const a = req.body as { name: string };',
      "  const b = field(req.body, 'name');",
      '  const c = req.body.name;',
      '});',
    ].join('\n');
    expect(findUntypedReads('src/x/x.routes.tsx', source).map((f) => [f.line, f.kind])).toEqual([
      [1, 'hand-written request type'],
      [2, 'cast of the request'],
      [3, 'untyped field helper'],
    ]);
  });

  it('flags req.body, req.query and req.params read in a module that declares no schema for them', () => {
    const source = [
      "app.post('/x/:id', async (req) => {",
      '  const { name } = req.body;',
      '  const { q } = req.query;',
      '  const { id } = req.params;',
      '});',
    ].join('\n');
    expect(findUntypedReads('src/x/x.routes.tsx', source).map((f) => [f.line, f.kind])).toEqual([
      [2, 'body read without a schema'],
      [3, 'query string read without a schema'],
      [4, 'path parameters read without a schema'],
    ]);
    const declared = `const schema = { body: xForm, querystring: xQuery, params: idParams };\n${source}`;
    expect(findUntypedReads('src/x/x.routes.tsx', declared)).toEqual([]);
  });

  it('checks route modules only, and finds nothing untyped in src/', () => {
    expect(isRouteModule('src/readings/readings.routes.tsx')).toBe(true);
    expect(isRouteModule('src/readings/readings.api.ts')).toBe(true);
    expect(isRouteModule('src/web/input-guard.ts')).toBe(false);
    expect(scanRequests()).toEqual([]);
  });
});
