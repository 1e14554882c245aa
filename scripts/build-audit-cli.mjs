// @ts-check
/**
 * Builds bin/toolgate-audit.mjs from src/audit/cli.ts (which runs the browser's own verifier,
 * src/audit/verify.ts) and a Node entry: one self-contained ES module, dependencies bundled, so
 * the installed package needs nothing else to run `npx toolgate-audit verify export.jsonl`.
 * Run by `npm run build` and before the Node tests (test/cli/).
 */
import { build } from 'esbuild';
import { chmod } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outfile = fileURLToPath(new URL('../bin/toolgate-audit.mjs', import.meta.url));

// The Node side: read the file as a web stream, print, set the exit status.
const entry = `
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { runAuditCli } from './src/audit/cli.ts';

const io = {
  read: (path) => Readable.toWeb(createReadStream(path)),
  out: (line) => console.log(line),
  err: (line) => console.error(line),
};
process.exitCode = await runAuditCli(process.argv.slice(2), io);
`;

await build({
  stdin: { contents: entry, resolveDir: root, sourcefile: 'toolgate-audit-entry.mjs', loader: 'js' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile,
  banner: { js: '#!/usr/bin/env node\n// Built by scripts/build-audit-cli.mjs from src/audit/cli.ts — do not edit.' },
  legalComments: 'none',
  logLevel: 'warning',
});
await chmod(outfile, 0o755);
