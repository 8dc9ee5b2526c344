/**
 * The import rules of the code shape (docs/architecture.md, docs/decisions/100-*.md).
 * Layers, bottom-up: db, calendar, money, i18n, web; config.ts and app-deps.ts; the capability folders;
 * the entry points (app.ts, main.ts, workers.ts, *.cli.ts) on top. A module may import its own
 * layer (without cycles) and the layers below it, never one above. Tests (`*.test.ts` beside the
 * code, test/, e2e/) may import any layer (but not in a cycle).
 */
const TEST = '\\.test\\.tsx?$';
const CAPABILITIES =
  '^src/(accounts|api-tokens|auth|readings|billing|documents|mail|exchange|backoffice|public|jobs|demo|ops|notifications|premises)/';
const ENTRY = '^src/(app|main|workers)\\.ts$|\\.cli\\.ts$';

/** A module in `layer` may import only from `allowed` (plus npm packages and node built-ins). */
function layer(name, from, allowed, comment) {
  return {
    name,
    comment,
    severity: 'error',
    from: { path: from, pathNot: [TEST, ENTRY] },
    to: { path: '^src/', pathNot: allowed },
  };
}

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import cycle: modules that cannot be understood, tested or loaded one without the other.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    layer(
      'db-imports-nothing-above',
      '^src/db/',
      ['^src/db/'],
      'src/db is the bottom layer: connection, migrations, table types.',
    ),
    layer(
      'calendar-imports-only-below',
      '^src/calendar/',
      ['^src/(db|calendar)/'],
      'src/calendar (billing months, days, Almaty time) sits on db only.',
    ),
    layer(
      'money-imports-only-below',
      '^src/money/',
      ['^src/(db|calendar|money)/'],
      'src/money (tiyn, litres, rounding) sits on db and calendar.',
    ),
    layer(
      'i18n-imports-only-below',
      '^src/i18n/',
      ['^src/(db|calendar|money|i18n)/'],
      'src/i18n sits on db, calendar and money.',
    ),
    layer(
      'web-imports-no-capability',
      '^src/web/',
      ['^src/(db|calendar|money|i18n|web)/'],
      'src/web (layout, forms, errors, limits) is shared by every capability, so it imports none of them: a capability extends what web offers (e.g. NotFoundError).',
    ),
    layer(
      'config-imports-only-below',
      '^src/(config|app-deps)\\.ts$',
      ['^src/(db|calendar|money|i18n|web)/', '^src/(config|app-deps)\\.ts$'],
      'config.ts and app-deps.ts sit below every capability.',
    ),
    {
      name: 'nothing-imports-an-entry-point',
      comment:
        'app.ts, main.ts, workers.ts and *.cli.ts are on top: only tests and other entry points (main.ts starts app.ts and workers.ts) import them.',
      severity: 'error',
      from: { path: '^src/', pathNot: [TEST, ENTRY] },
      to: { path: ENTRY },
    },
    {
      name: 'module-in-no-layer',
      comment:
        'A module outside every layer above: a new capability folder is added to CAPABILITIES here and to docs/architecture.md.',
      severity: 'error',
      from: {
        path: '^src/',
        pathNot: [
          TEST,
          ENTRY,
          CAPABILITIES,
          '^src/(db|calendar|money|i18n|web)/',
          '^src/(config|app-deps)\\.ts$',
        ],
      },
      to: {},
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to no file (a typo or a deleted module).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/web/static/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      extensions: ['.ts', '.tsx', '.js', '.json'],
      // Resolve packages as Node does (pdfkit, for one, has no main field, only a `node` export).
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
  },
};
