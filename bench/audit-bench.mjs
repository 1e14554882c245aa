// @ts-check
/**
 * Audit benchmark and fixture maker, in the system Chromium and Firefox ESR (puppeteer-core):
 *
 *   node bench/audit-bench.mjs              # records/s and viewer open time, both browsers
 *   node bench/audit-bench.mjs --viewer N   # only the viewer on N records
 *   node bench/audit-bench.mjs --breakdown  # µs per record: hash, sign, lock, IndexedDB (--no-firefox, --no-chrome)
 *   node bench/audit-bench.mjs --fixture    # (re)writes test/cli/fixtures/audit-export-v3.jsonl from Chromium
 *                                           # (audit-export.jsonl and its tampered copy stay: the format-2 fixtures)
 *
 * Bundles bench/audit-bench-page.ts with esbuild and serves it on 127.0.0.1 (a secure context,
 * so WebCrypto and Web Locks exist).
 */
import { createServer } from 'node:http';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import puppeteer from 'puppeteer-core';
import { browserBundle } from './bundle-options.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = await build({ ...browserBundle(root), entryPoints: [`${root}bench/audit-bench-page.ts`] });
const js = bundle.outputFiles[0]?.text ?? '';
const server = createServer((req, res) => {
  if (req.url === '/bench.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
  else res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html><body><script type="module" src="/bench.js"></script></body></html>');
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
const address = server.address();
const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;

/** @param {'chrome' | 'firefox'} browser */
async function launch(browser) {
  return browser === 'chrome'
    ? puppeteer.launch({ browser: 'chrome', executablePath: '/usr/bin/chromium', headless: true, protocolTimeout: 600_000, args: ['--no-sandbox', '--disable-gpu'] })
    : puppeteer.launch({ browser: 'firefox', executablePath: '/usr/bin/firefox-esr', headless: true, protocolTimeout: 600_000 });
}

try {
  if (process.argv.includes('--fixture')) {
    const b = await launch('chrome');
    const page = await b.newPage();
    await page.goto(url);
    await page.waitForFunction(() => document.title === 'ready');
    const text = /** @type {string} */ (await page.evaluate(() => /** @type {any} */ (window).auditFixture()));
    await b.close();
    // The current format. The format-2 fixtures (audit-export.jsonl, audit-export-tampered.jsonl,
    // written by this script before format 3) are kept as they are: old exports must still verify.
    const file = `${root}test/cli/fixtures/audit-export-v3.jsonl`;
    await writeFile(file, text);
    console.log(`wrote ${file} (${text.split('\n').length - 2} records)`);
  } else {
    const browsers = /** @type {const} */ (['chrome', 'firefox']).filter((b) => !process.argv.includes(`--no-${b}`));
    for (const browser of browsers) {
      const b = await launch(browser);
      const page = await b.newPage();
      await page.setViewport({ width: 1200, height: 900 });
      await page.goto(url);
      await page.waitForFunction(() => document.title === 'ready');
      const breakdown = await page.evaluate(() => /** @type {any} */ (window).auditBreakdown());
      console.log(browser, 'µs per record', JSON.stringify(breakdown, (_, v) => (typeof v === 'number' ? Math.round(v * 10) / 10 : v)));
      if (process.argv.includes('--breakdown')) {
        await b.close();
        continue;
      }
      const only = process.argv.indexOf('--viewer');
      const records = only > 0 ? Number(process.argv[only + 1]) : 100000;
      const appends = only > 0 ? undefined : await page.evaluate(() => /** @type {any} */ (window).auditBench());
      const viewer = await page.evaluate((n) => /** @type {any} */ (window).viewerOpen(n), records);
      console.log(browser, JSON.stringify({ appends, viewer }, (_, v) => (typeof v === 'number' ? Math.round(v) : v)));
      await b.close();
    }
  }
} finally {
  server.close();
}
