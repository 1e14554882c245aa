// @ts-check
/**
 * Bundles the conformance client into one file (the harness serves a single script): the
 * connection worker is bundled first and inlined as source, started from a Blob URL.
 */
import { build } from 'esbuild';
import { mkdir } from 'node:fs/promises';

const out = new URL('../.tsbuild/conformance/', import.meta.url);
await mkdir(out, { recursive: true });
const common = /** @type {const} */ ({ bundle: true, format: 'esm', target: 'es2022', platform: 'browser', minify: true, logLevel: 'warning' });

const worker = await build({ ...common, entryPoints: ['workers/connection.worker.ts'], write: false });
const workerSource = worker.outputFiles[0]?.text;
if (!workerSource) throw new Error('worker bundle is empty');

const outfile = new URL('client.bundle.js', out).pathname;
await build({
  ...common,
  entryPoints: ['test/conformance/client.ts'],
  outfile,
  define: { WORKER_SOURCE: JSON.stringify(workerSource) },
});
console.log(outfile);
