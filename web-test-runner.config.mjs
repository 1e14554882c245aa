// @ts-check
/**
 * Browser tests in the system Chromium (Playwright) and Firefox ESR (Puppeteer over WebDriver BiDi),
 * against the servers in test/support/services/ (the demo MCP server with its test hooks, …) on 127.0.0.1.
 */
import { playwrightLauncher } from '@web/test-runner-playwright';
import { puppeteerLauncher } from '@web/test-runner-puppeteer';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { startTestServices } from './test/support/services/index.mjs';
import { storageQuotaPlugin } from './test/support/commands/storage-quota.mjs';
import { unavailableModulesMiddleware } from './test/support/commands/unavailable-modules.mjs';
import { frameCommandsPlugin } from './test/support/frame-commands.mjs';

export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** @type {Awaited<ReturnType<typeof startTestServices>> | undefined} */
let services;

/** Starts the test servers with the test runner and stops them with it. */
const testServicesPlugin = {
  name: 'toolgate-test-services',
  async serverStart() {
    services = await startTestServices();
  },
  async serverStop() {
    await services?.close();
  },
};

/**
 * `node:path` → an empty module: secretlint's rule preset imports it for its file-based checks,
 * which never run on the strings Toolgate scans (the library build does the same, see scripts/build-library.mjs).
 */
const nodePathStub = {
  name: 'toolgate-node-path-stub',
  /** @param {{ source: string }} args */
  resolveImport({ source }) {
    return source === 'node:path' ? '/test/support/node-path-stub.js' : undefined;
  },
};

const browsers = (process.env.TG_BROWSERS ?? 'chromium,firefox').split(',');

/** One launcher per browser asked for (TG_BROWSERS); each call makes new ones, so a new browser instance. */
function launchers() {
  return [
    ...(browsers.includes('chromium')
      ? [playwrightLauncher({ product: 'chromium', launchOptions: { executablePath: '/usr/bin/chromium', args: chromiumArgs } })]
      : []),
    ...(browsers.includes('firefox')
      ? [
          puppeteerLauncher({
            launchOptions: {
              browser: 'firefox',
              executablePath: '/usr/bin/firefox-esr',
              headless: true,
              // A real, small storage quota (200 MiB in all, so 40 MiB per site) that a test can fill to
              // make IndexedDB fail with QuotaExceededError (test/support/quota.ts); Chromium's is set
              // per test through CDP instead (test/support/commands/storage-quota.mjs).
              extraPrefsFirefox: { 'dom.quotaManager.temporaryStorage.fixedLimit': 200 * 1024 },
            },
          }),
        ]
      : []),
  ];
}

/**
 * Files that must start in a browser that has loaded nothing yet, each in a group with launchers of
 * its own (a fresh instance, so a fresh module cache). agent-lazy-cards makes the server answer 503
 * for a card's module; Firefox reuses a module an earlier page of the same browser loaded without
 * asking the server again (no-store, middleware and the navigation-cache pref do not change that),
 * so after any file that showed an approval card the 503 would never apply.
 */
const ownBrowserFiles = ['test/elements/agent/agent-lazy-cards.test.ts'];

/**
 * The own-browser groups, in a full run. A run given files on the command line (`--files x`, the way
 * one file is run) runs just those in the shared browsers: an own-browser file named there alone is
 * the first its browser loads anyway, and the others' runs do not pay for extra browsers.
 * `--group agent-lazy-cards` runs one such file by itself.
 */
function ownBrowserGroups() {
  const args = process.argv.slice(2);
  const filesGiven = args.some((arg) => arg === '--files' || /\.test\.[jt]s$|\*/.test(arg));
  if (filesGiven && !args.includes('--group')) return [];
  return ownBrowserFiles.map((file) => ({ name: file.replace(/^.*\//, '').replace(/\.test\.ts$/, ''), files: [file], browsers: launchers() }));
}

/** @type {import('@web/test-runner').TestRunnerConfig} */
export default {
  files: ['test/**/*.test.ts', ...ownBrowserFiles.map((file) => `!${file}`)],
  nodeResolve: true,
  // One page per browser at a time, and generous start limits: Firefox ESR takes ~20 s to start a
  // page on a loaded 2-core machine, and a timed-out start silently skips a whole file.
  concurrency: 1,
  browserStartTimeout: 120_000,
  testsStartTimeout: 120_000,
  testsFinishTimeout: 600_000,
  testFramework: { config: { timeout: 10000 } },
  plugins: [nodePathStub, esbuildPlugin({ ts: true, target: 'es2022' }), testServicesPlugin, frameCommandsPlugin, storageQuotaPlugin()],
  middleware: [unavailableModulesMiddleware()],
  testRunnerHtml: (testFramework) => {
    if (!services) throw new Error('test services not started');
    const env = services.env;
    return `<!doctype html><html><head><script>window.__TG_TEST_ENV__ = ${JSON.stringify(env)};</script></head>
      <body><script type="module" src="${testFramework}"></script></body></html>`;
  },
  browsers: launchers(),
  groups: ownBrowserGroups(),
};
