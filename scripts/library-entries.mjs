// @ts-check
/**
 * The library's public entries: output name → source. Each one also needs its declarations (listed in
 * tsconfig.types.json `files`) and an `exports` block in package.json shaped like ".": `types`
 * (./dist/types/<source>.d.ts), `development` (./dist/development/<name>.js), `default`
 * (./dist/<name>.js). The consumer suite checks all three agree with this table.
 */
export const ENTRIES = {
  toolgate: { source: 'src/index.ts', exportPath: '.' },
  advanced: { source: 'src/advanced.ts', exportPath: './advanced' },
};
