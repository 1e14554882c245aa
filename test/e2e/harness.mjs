// @ts-check
/**
 * Starts the demo the way `npm start` does — Vite's dev server with the repository's
 * vite.config.ts, whose plugin starts the demo MCP server — but on free ports, and launches the
 * system Chromium with Playwright; a fresh page per flow, failing on any page error. Used by the
 * end-to-end tests in this folder.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createServer as createNetServer } from 'node:net';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createServer } from 'vite';
import { chromiumArgs } from '../../web-test-runner.config.mjs';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Screenshots and the exported audit files; gitignored. */
export const OUTPUT_DIR = fileURLToPath(new URL('../../test-output/e2e/', import.meta.url));

/**
 * @typedef {object} RunningDemo
 * @property {string} url the demo page
 * @property {{ wsUrl: string, httpUrl: string, port: number }} mcp the demo MCP server, as the page is told
 * @property {() => Promise<void>} close
 */

/**
 * @param {{ llmBaseUrl?: string }} [options] an OpenAI-compatible endpoint (`TG_LLM_BASE_URL`); default none (manual mode)
 * @returns {Promise<RunningDemo>}
 */
export async function startDemo(options = {}) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startDemoOnce(options);
    } catch (error) {
      // The port was free when probed, but something else on this busy machine took it first.
      if (attempt >= 3 || /** @type {{ code?: unknown }} */ (error)?.code !== 'EADDRINUSE') throw error;
    }
  }
}

/**
 * @param {{ llmBaseUrl?: string }} options
 * @returns {Promise<RunningDemo>}
 */
async function startDemoOnce({ llmBaseUrl }) {
  // Read by the plugin when the dev server starts. A free port, chosen here rather than 0 so that
  // the page's URLs stay right even if Vite restarted the server.
  process.env.TG_DEMO_MCP_PORT = String(await freePort());
  if (llmBaseUrl) {
    process.env.TG_LLM_BASE_URL = llmBaseUrl;
    process.env.TG_LLM_MODEL = 'scripted';
  } else {
    delete process.env.TG_LLM_BASE_URL;
    delete process.env.TG_LLM_MODEL;
  }
  delete process.env.TG_LLM_API_KEY;
  const server = await createServer({
    configFile: `${ROOT}vite.config.ts`,
    // Ignore file changes: other work in the tree (the config, a lockfile) must not restart the
    // server or reload the page mid-run. (`watch: null` would be dropped by Vite's config merge.)
    server: { port: 0, strictPort: false, host: '127.0.0.1', watch: { ignored: () => true } },
    logLevel: process.env.TG_E2E_VERBOSE ? 'info' : 'warn',
    clearScreen: false,
  });
  try {
    await server.listen();
    const url = server.resolvedUrls?.local[0];
    if (!url) throw new Error('the dev server reports no local URL');
    // What the page imports; also proves the plugin started the MCP server.
    const module = await server.ssrLoadModule('virtual:toolgate-demo-config');
    const mcp = /** @type {{ mcp: RunningDemo['mcp'] }} */ (module.default).mcp;
    return { url, mcp, close: () => server.close() };
  } catch (error) {
    await server.close();
    throw error;
  }
}

/** A port nothing listens on right now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export async function launchChromium() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs, headless: true });
}

/** Conditions get this long: the machine may be busy, and nothing here waits a fixed time. */
export const WAIT_MS = 30_000;

/**
 * The set-up of a test file (or a `describe`): the demo and the system Chromium, started before
 * its tests and closed after them. The fields are set once `before` has run.
 * @param {Parameters<typeof startDemo>[0]} [options]
 * @returns {{ demo: RunningDemo, browser: import('playwright-core').Browser }}
 */
export function useDemo(options) {
  const running = /** @type {{ demo: RunningDemo, browser: import('playwright-core').Browser }} */ ({});
  before(async () => {
    running.demo = await startDemo(options);
    running.browser = await launchChromium();
  });
  after(async () => {
    await running.browser?.close();
    await running.demo?.close();
  });
  return running;
}

/**
 * Runs `flow` on a fresh page at `url`, in a browser context of its own (so its own IndexedDB, its
 * own audit log). Fails on any error the page throws; when it fails, the screen is kept as
 * `<name>-failure.png`.
 * @param {import('playwright-core').Browser} browser
 * @param {{ url: string, viewport: { width: number, height: number }, name: string }} where
 * @param {(page: import('playwright-core').Page) => Promise<void>} flow
 */
export async function onPage(browser, { url, viewport, name }, flow) {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  context.setDefaultTimeout(WAIT_MS);
  const page = await context.newPage();
  /** @type {string[]} */
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  try {
    await page.goto(url);
    await flow(page);
    assert.deepEqual(errors, [], 'errors on the page');
  } catch (error) {
    await screenshot(page, `${name}-failure`).catch(() => {});
    throw error;
  } finally {
    await context.close();
  }
}

/**
 * Saves a screenshot of the viewport as `<OUTPUT_DIR>/<name>.png`, with `subject` scrolled into
 * view when given. (Full-page shots of the tall demo take seconds each on a busy machine.)
 * @param {import('playwright-core').Page} page
 * @param {string} name
 * @param {import('playwright-core').Locator} [subject]
 */
export async function screenshot(page, name, subject) {
  await mkdir(OUTPUT_DIR, { recursive: true });
  if (subject) await subject.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${OUTPUT_DIR}${name}.png` });
}

/**
 * Runs `node bin/toolgate-audit.mjs verify <file>`.
 * @param {string} file
 * @returns {Promise<{ code: number | null, stdout: string, stderr: string }>}
 */
export function verifyWithCli(file) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`${ROOT}bin/toolgate-audit.mjs`, 'verify', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
