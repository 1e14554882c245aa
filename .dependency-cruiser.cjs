/**
 * The design's dependency rules (DESIGN.md "Dependency rules"), kept by `npm test` (npm run lint:deps).
 * Paths are from the repo root. Type-only imports are seen (tsPreCompilationDeps), so a rule can allow
 * `import type` where it forbids a value import. The one rule a dependency graph cannot see — nothing
 * but the gate calls a connection's `callTool` — is test/rules/one-door.test.mjs.
 */
const CORE = '^src/(agent|llm|gate|audit|storage|runtime)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-without-dom',
      comment: 'The core (agent, llm, gate, audit, storage, runtime) is DOM-free: no elements, no Lit.',
      severity: 'error',
      from: { path: CORE },
      to: { path: ['^src/elements/', '^node_modules/(lit|lit-html|lit-element|@lit|@lit-labs)/'] },
    },
    {
      name: 'agent-only-through-the-gate',
      comment: 'The agent reaches tools only through the gate: never a connection or the worker (the shared vocabulary is fine).',
      severity: 'error',
      from: { path: '^src/agent/' },
      to: { path: ['^src/connections/', '^workers/(?!shared/)'] },
    },
    {
      name: 'page-takes-only-the-vocabulary-from-workers',
      comment:
        'src/ imports from workers/ only the shared vocabulary (workers/shared/, values too) and, as types only, ' +
        "the worker's contract (workers/connection-api.ts). The worker itself is started by URL in src/connections/.",
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^workers/', pathNot: ['^workers/shared/', '^workers/connection-api\\.ts$'] },
    },
    {
      name: 'worker-contract-as-types-only',
      comment: 'workers/connection-api.ts is imported with `import type` (it describes the worker; it runs nowhere on the page).',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^workers/connection-api\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'workers-never-reach-the-page',
      comment: 'A worker never imports the page (the gate lives on the trusted side).',
      severity: 'error',
      from: { path: '^workers/' },
      to: { path: '^src/' },
    },
    {
      name: 'shared-stays-shared',
      comment: 'The shared vocabulary runs on both sides: it imports nothing else of the worker (or of the page).',
      severity: 'error',
      from: { path: '^workers/shared/' },
      to: { path: ['^workers/(?!shared/)', '^src/'] },
    },
    {
      name: 'product-without-dev-dependencies',
      comment: 'What users install never imports a devDependency (test servers, build tools).',
      severity: 'error',
      from: { path: '^(src|workers)/' },
      to: { dependencyTypes: ['npm-dev'] },
    },
    {
      name: 'product-without-tests',
      comment: 'Product code never imports tests, test support, the demo or the benchmarks.',
      severity: 'error',
      from: { path: '^(src|workers)/' },
      to: { path: '^(test|demo|bench)/' },
    },
    {
      name: 'resolvable',
      comment: 'Every import resolves (a typo or a deleted file is an error here, not at bundle time).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'browser', 'default'], extensions: ['.ts', '.js', '.mjs'] },
  },
};
