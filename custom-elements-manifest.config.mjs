/**
 * Custom Elements Manifest (`npm run analyze`, also run by `npm run build`): the elements' tags,
 * properties, attributes, events, CSS parts and `--tg-*` properties, read from the components'
 * JSDoc, for editors, Storybook and framework wrappers. Written to dist/custom-elements.json.
 */
export default {
  globs: ['src/elements/**/*.ts'],
  exclude: ['**/*.test.ts'],
  outdir: 'dist',
  litelement: true,
  // package.json's `customElements` field is set by hand (./dist/custom-elements.json); don't rewrite it.
  packagejson: false,
};
