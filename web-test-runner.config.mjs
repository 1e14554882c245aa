// @ts-check
/**
 * Browser tests in the system Chromium (Playwright) and Firefox ESR (Puppeteer over WebDriver BiDi),
 * against the demo MCP server started here with its test hooks on 127.0.0.1.
 */
import { playwrightLauncher } from '@web/test-runner-playwright';
import { puppeteerLauncher } from '@web/test-runner-puppeteer';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { startDemoServer } from './demo/server/server.mjs';

export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** @type {Awaited<ReturnType<typeof startDemoServer>> | undefined} */
let demo;

/** Starts the demo MCP server with the test runner and stops it with it. */
const demoServerPlugin = {
  name: 'toolgate-demo-server',
  async serverStart() {
    demo = await startDemoServer({ testHooks: true });
  },
  async serverStop() {
    await demo?.close();
  },
};

const browsers = (process.env.TG_BROWSERS ?? 'chromium,firefox').split(',');

/** @type {import('@web/test-runner').TestRunnerConfig} */
export default {
  files: ['test/**/*.test.ts'],
  nodeResolve: true,
  concurrency: 2,
  testFramework: { config: { timeout: 10000 } },
  plugins: [esbuildPlugin({ ts: true, target: 'es2022' }), demoServerPlugin],
  testRunnerHtml: (testFramework) => {
    if (!demo) throw new Error('demo server not started');
    const env = { wsUrl: demo.wsUrl, httpUrl: demo.httpUrl, serverOrigin: new URL(demo.httpUrl).origin };
    return `<!doctype html><html><head><script>window.__TG_TEST_ENV__ = ${JSON.stringify(env)};</script></head>
      <body><script type="module" src="${testFramework}"></script></body></html>`;
  },
  browsers: [
    browsers.includes('chromium') &&
      playwrightLauncher({ product: 'chromium', launchOptions: { executablePath: '/usr/bin/chromium', args: chromiumArgs } }),
    browsers.includes('firefox') &&
      puppeteerLauncher({ launchOptions: { browser: 'firefox', executablePath: '/usr/bin/firefox-esr', headless: true } }),
  ].filter(Boolean),
};
