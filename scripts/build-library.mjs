// @ts-check
/**
 * The library as users install it (`npm run build`; package.json `exports` points here):
 *
 *   dist/              production: ES modules minified as libraries are (names and dead code, not
 *                      whitespace; pure annotations kept); the runtime dependencies (lit, idb, …) stay
 *                      imports, so the app's bundler resolves, dedupes and updates them
 *   dist/development/  the same, readable, with source maps: the `development` export condition
 *   dist/cdn/          self-contained (dependencies bundled, production), for `<script type="module">`
 *                      from a CDN or any static server, at any path
 *
 * Dependencies that are not runtime `dependencies` of package.json are bundled in every folder: the
 * secretlint rule preset, whose `engines` (Node 22) would make every consumer's install on Node 20 warn,
 * and whose `node:` imports no browser bundler should have to resolve.
 *
 * Each folder holds the entries (ENTRIES), their lazy chunks, and `connection.worker.js` with the
 * worker's lazy chunks (transports, OAuth, MessagePack, the JSON Schema validator). The worker always
 * bundles its dependencies: it is its own module graph, and bare imports in it would send Vite's dev
 * server discovering dependencies mid-session. Everything is found relative to the module that loads
 * it, never the site root: chunks by relative imports, the worker by the literal
 * `new Worker(new URL('./connection.worker.js', import.meta.url), …)` that Vite, webpack and Parcel
 * recognise in an app's dependencies and re-emit (src/connections/worker-start.ts).
 *
 * To add a public entry, see scripts/library-entries.mjs.
 */
import { readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { ENTRIES } from './library-entries.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

const WORKER_ENTRY = 'workers/connection.worker.ts';
/** Where the source starts its worker, and what the build writes there instead (see `workerReference`). */
const WORKER_MODULE = 'src/connections/worker-start.ts';
const WORKER_SOURCE_URL = "new URL('../../workers/connection.worker.ts', import.meta.url)";
const WORKER_BUILT_URL = "new URL('./connection.worker.js', import.meta.url)";

const pkg = JSON.parse(await readFile(`${ROOT}package.json`, 'utf8'));
/** Bare imports the npm builds leave to the app's bundler: the dependencies and their subpaths. */
const dependencyImport = new RegExp(`^(${Object.keys(pkg.dependencies ?? {}).map((name) => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})(/.*)?$`);

/**
 * @typedef {object} Variant
 * @property {string} outDir relative to the repository
 * @property {'library' | 'full' | false} minify `library`: Vite's library minification, which leaves the
 *   worker's `new Worker(…)` literal in the form app bundlers parse (full minification turns its strings
 *   into template literals, whose `type` Vite refuses); `full` for code no bundler reads again
 * @property {boolean} externalDependencies
 * @property {boolean} sourcemap
 */
/** Built side by side into a dist/ emptied first (the other folders live inside the production one). @type {Variant[]} */
const VARIANTS = [
  { outDir: 'dist', minify: 'library', externalDependencies: true, sourcemap: false },
  { outDir: 'dist/development', minify: false, externalDependencies: true, sourcemap: true },
  { outDir: 'dist/cdn', minify: 'full', externalDependencies: false, sourcemap: false },
];

/**
 * Rewrites the source's worker URL (the TypeScript file, for the dev server and the tests) to the
 * built file next to each chunk. Vite's own worker plugin would bundle the worker into `assets/` and
 * write a URL bundlers no longer recognise, so the rewrite hides it until the chunk is rendered:
 * `import.meta.URL` matches none of Vite's patterns, and swapping its case back keeps every column
 * of the source map.
 * @returns {import('vite').Plugin}
 */
function workerReference() {
  const hidden = WORKER_BUILT_URL.replace('import.meta.url', 'import.meta.URL');
  let rewritten = 0;
  return {
    name: 'toolgate-worker-reference',
    enforce: 'pre',
    buildStart() {
      rewritten = 0;
    },
    transform(code, id) {
      if (!id.endsWith(WORKER_MODULE)) return undefined;
      if (!code.includes(WORKER_SOURCE_URL)) this.error(`${WORKER_MODULE} no longer contains ${WORKER_SOURCE_URL}`);
      return { code: code.replace(WORKER_SOURCE_URL, hidden), map: null };
    },
    renderChunk(code) {
      if (!code.includes('import.meta.URL')) return null;
      rewritten += code.split('import.meta.URL').length - 1;
      return { code: code.replaceAll('import.meta.URL', 'import.meta.url'), map: null };
    },
    generateBundle() {
      if (rewritten !== 1) this.error(`expected one worker reference in the output, found ${rewritten}`);
    },
  };
}

/**
 * Node built-ins that a bundled dependency imports for features the library never uses (the secretlint
 * rule preset reads files with `node:fs`/`node:path`; Toolgate scans strings): an empty module, so no
 * app's bundler meets a `node:` import (webpack 5 refuses them).
 * @returns {import('vite').Plugin}
 */
function nodeBuiltinsUnused() {
  const prefix = '\0empty-node-';
  return {
    name: 'toolgate-node-builtins-unused',
    enforce: 'pre',
    resolveId: (id) => (id.startsWith('node:') ? `${prefix}${id.slice('node:'.length)}` : undefined),
    load: (id) => (id.startsWith(prefix) ? 'export default {};' : undefined),
  };
}

/**
 * @param {Variant} variant
 * @param {{ entries: Record<string, string>, chunkPrefix: string, external: boolean, plugins?: import('vite').PluginOption[] }} part
 */
function buildPart(variant, { entries, chunkPrefix, external, plugins = [] }) {
  return build({
    configFile: false,
    root: ROOT,
    logLevel: 'warn',
    publicDir: false,
    plugins: [nodeBuiltinsUnused(), ...plugins],
    build: {
      outDir: `${ROOT}${variant.outDir}`,
      emptyOutDir: false,
      target: 'es2022',
      minify: variant.minify !== false,
      sourcemap: variant.sourcemap,
      reportCompressedSize: false,
      lib: { entry: Object.fromEntries(Object.entries(entries).map(([name, file]) => [name, `${ROOT}${file}`])), formats: ['es'] },
      rolldownOptions: {
        ...(external && { external: (id) => dependencyImport.test(id) }),
        output: {
          entryFileNames: '[name].js',
          chunkFileNames: `${chunkPrefix}[name]-[hash].js`,
          ...(variant.minify === 'full' && { minify: true }),
          // Maps carry their sources, named inside the package rather than by paths that lead out of it.
          ...(variant.sourcemap && { sourcemapPathTransform: (source) => `toolgate/${source.replace(/^(\.\.\/)+/, '')}` }),
        },
      },
    },
  });
}

/** @param {Variant} variant */
async function buildVariant(variant) {
  const entries = Object.fromEntries(Object.entries(ENTRIES).map(([name, { source }]) => [name, source]));
  await buildPart(variant, { entries, chunkPrefix: '', external: variant.externalDependencies, plugins: [workerReference()] });
  await buildPart(variant, { entries: { 'connection.worker': WORKER_ENTRY }, chunkPrefix: 'worker-', external: false });
}

await rm(`${ROOT}dist`, { recursive: true, force: true });
await Promise.all(VARIANTS.map(buildVariant));
