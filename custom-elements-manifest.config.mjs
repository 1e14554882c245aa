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
  plugins: [
    {
      // Events are dispatched as `new TgXEvent(detail)` (src/events/define.ts), which the analyzer reads as
      // an event named after the argument ("detail", "result"); the element's `@event` tags name the real
      // ones, and every Toolgate event is `tg-` prefixed.
      name: 'toolgate-event-names',
      packageLinkPhase({ customElementsManifest }) {
        for (const module of customElementsManifest.modules ?? []) {
          for (const declaration of module.declarations ?? []) {
            if (declaration.events) declaration.events = declaration.events.filter((event) => event.name?.startsWith('tg-'));
          }
        }
      },
    },
  ],
};
