/**
 * The design's dependency rules (DESIGN.md "Dependency rules"), kept by `npm test` (npm run lint:deps).
 * Paths are from the repo root. Type-only imports are seen (tsPreCompilationDeps), so a rule can allow
 * `import type` where it forbids a value import. The one rule a dependency graph cannot see — nothing
 * but the gate calls a connection's `callTool` — is test/rules/one-door.test.mjs.
 */
const CORE = '^src/(agent|llm|gate|audit|storage|runtime)/';

/**
 * Every rule is an error: a broken design rule fails the test command.
 * @param {string} name @param {string} comment
 * @param {import('dependency-cruiser').IFromRestriction} from @param {import('dependency-cruiser').IToRestriction} to
 */
const forbid = (name, comment, from, to) => ({ name, comment, severity: /** @type {const} */ ('error'), from, to });

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    forbid(
      'core-without-dom',
      'The core (agent, llm, gate, audit, storage, runtime) is DOM-free: no elements, no Lit.',
      { path: CORE },
      { path: ['^src/elements/', '^node_modules/(lit|lit-html|lit-element|@lit|@lit-labs)/'] },
    ),
    forbid(
      'agent-only-through-the-gate',
      'The agent reaches tools only through the gate: never a connection or the worker (the shared vocabulary is fine).',
      { path: '^src/agent/' },
      { path: ['^src/connections/', '^workers/(?!shared/)'] },
    ),
    forbid(
      'page-takes-only-the-vocabulary-from-workers',
      'src/ imports from workers/ only the shared vocabulary (workers/shared/, values too) and, as types only, ' +
        "the worker's contract (workers/connection-api.ts). The worker itself is started by URL in src/connections/.",
      { path: '^src/' },
      { path: '^workers/', pathNot: ['^workers/shared/', '^workers/connection-api\\.ts$'] },
    ),
    forbid(
      'worker-contract-as-types-only',
      'workers/connection-api.ts is imported with `import type` (it describes the worker; it runs nowhere on the page).',
      { path: '^src/' },
      { path: '^workers/connection-api\\.ts$', dependencyTypesNot: ['type-only'] },
    ),
    forbid(
      'workers-never-reach-the-page',
      'A worker never imports the page (the gate lives on the trusted side).',
      { path: '^workers/' },
      { path: '^src/' },
    ),
    forbid(
      'shared-stays-shared',
      'The shared vocabulary runs on both sides: it imports nothing else of the worker (or of the page).',
      { path: '^workers/shared/' },
      { path: ['^workers/(?!shared/)', '^src/'] },
    ),
    forbid(
      'product-without-dev-dependencies',
      'What users install never imports a devDependency (test servers, build tools). The one exception is bundled into the build instead of installed (scripts/build-library.mjs): the secretlint rule preset, whose engines (Node 22) would make every install on Node 20 warn.',
      { path: '^(src|workers)/' },
      { dependencyTypes: ['npm-dev'], pathNot: '^node_modules/@secretlint/secretlint-rule-preset-recommend/' },
    ),
    forbid(
      'product-without-tests',
      'Product code never imports tests, test support, the demo or the benchmarks.',
      { path: '^(src|workers)/' },
      { path: '^(test|demo|bench)/' },
    ),
    forbid(
      'resolvable',
      'Every import resolves (a typo or a deleted file is an error here, not at bundle time).',
      {},
      { couldNotResolve: true },
    ),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'browser', 'default'], extensions: ['.ts', '.js', '.mjs'] },
  },
};
