// @ts-check
/**
 * How the bench bundles browser code (esbuild, ES2022, minified, every dependency included), the
 * same for the pages, the workers and the size figures, so `npm run bench` needs no prior build.
 */

/**
 * `node:*` imports in browser dependencies become an empty module, as Vite's browser build does
 * (`__vite-browser-external`): secretlint's rule preset imports `node:path` at the top but never
 * calls it on the paths the rules run.
 * @type {import('esbuild').Plugin}
 */
const browserExternal = {
  name: 'browser-external',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) => ({ path: args.path, namespace: 'browser-external' }));
    b.onLoad({ filter: /.*/, namespace: 'browser-external' }, () => ({ contents: 'export default {};', loader: 'js' }));
  },
};

/** @param {string} root absolute path of the repository */
export const browserBundle = (root) => ({
  bundle: true,
  format: /** @type {const} */ ('esm'),
  target: 'es2022',
  platform: /** @type {const} */ ('browser'),
  minify: true,
  logLevel: /** @type {const} */ ('silent'),
  write: /** @type {const} */ (false),
  absWorkingDir: root,
  plugins: [browserExternal],
});
