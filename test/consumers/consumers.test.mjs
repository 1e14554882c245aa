// @ts-check
/**
 * The package as users install it: `npm pack`, the tarball installed into fresh apps (fixtures/,
 * run from a folder outside the repository), each built and served the way its users do, then opened
 * in Chromium and Firefox against the demo MCP server (WebSocket and Streamable HTTP). Every app must
 * reach `ready` on both servers and finish one read-only tool call on each through the gate (a
 * scripted model asks for them), with no console error and no request answered by HTML or an error
 * status; the TypeScript apps must pass their type checkers. Two of them (the CDN page and the Vite
 * build) then show an MCP App view: the lazy `<tg-app-view>` chunk from the package, and the sandbox
 * proxy page served from the installed package's `public/` on another host. Run: `npm run test:consumers`.
 *
 * Cost: one build and pack, one install, one Chromium and one Firefox for every scenario (a fresh
 * context per page); the bundled apps build in the background while the type checkers run, two at a time.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { startDemoServer } from '../../demo/server/server.mjs';
import { startAppServer } from '../../demo/server/app-server.mjs';
import { startSandboxHost } from '../../demo/server/sandbox-host.mjs';
import { FIXTURES, ROOT, WORK, appVite, fillTemplate, installApps, installed, launchChromium, launchFirefox, packToolgate, run, viteBuild, webpackBuild } from './harness.mjs';
import { startStaticServer } from './static-server.mjs';
import { ENTRIES } from '../../scripts/library-entries.mjs';

/** Conditions get this long: the machine may be busy, and nothing here waits a fixed time. */
const WAIT_MS = 90_000;

/** @typedef {import('./static-server.mjs').ServedRequest} ServedRequest */
/**
 * A running deployment of one app.
 * @typedef {object} Served
 * @property {string} url the page (the suite adds the demo servers' URLs as its query)
 * @property {ServedRequest[][]} logs what each server involved answered
 * @property {string[]} documents paths that may be answered with HTML (the pages themselves)
 * @property {() => Promise<void>} close
 */

/** @type {{ tarball: string, files: { path: string, size: number }[] } | undefined} */
let packed;
let installOutput = '';
/** @type {Awaited<ReturnType<typeof startDemoServer>>} */
let demo;
/** The MCP App server (the demo's counter) and the sandbox proxy from the installed package, on `localhost` (the pages are on 127.0.0.1). */
/** @type {Awaited<ReturnType<typeof startAppServer>>} */
let appServer;
/** @type {Awaited<ReturnType<typeof startSandboxHost>>} */
let sandbox;
/** @type {Record<string, import('./harness.mjs').Browser>} */
const browsers = {};
/** @type {Promise<Served>[]} */
const deployments = [];

before(async () => {
  const started = Date.now();
  packed = await packToolgate();
  installOutput = await installApps(packed.tarball);
  console.log(`# packed and installed in ${((Date.now() - started) / 1000).toFixed(1)} s (${WORK})`);
  demo = await startDemoServer({ port: 0 });
  appServer = await startAppServer();
  sandbox = await startSandboxHost({ frameAncestors: 'http://127.0.0.1:*', publicDir: pathToFileURL(`${installed('toolgate/public')}/`) });
  // The bundled apps build while the type checkers run (a failed build fails only its own tests).
  const builds = [apps.viteBuild, apps.webpack, apps.react, apps.vue, apps.svelte].reduce(
    (/** @type {Promise<unknown>} */ previous, start) => previous.then(() => start().catch(() => undefined)),
    Promise.resolve(),
  );
  void builds;
  browsers.chromium = await launchChromium();
  browsers.firefox = await launchFirefox();
});

after(async () => {
  const served = await Promise.allSettled(deployments);
  await Promise.allSettled(served.map((s) => (s.status === 'fulfilled' ? s.value.close() : undefined)));
  await Promise.allSettled(Object.values(browsers).map((b) => b.close()));
  await Promise.allSettled([demo?.close(), appServer?.close(), sandbox?.close()]);
});

/**
 * Starts a deployment once, on first use (a failing build fails only its own tests).
 * @param {() => Promise<Served>} start
 * @returns {() => Promise<Served>}
 */
function deployment(start) {
  /** @type {Promise<Served> | undefined} */
  let running;
  return () => {
    if (!running) {
      running = start();
      deployments.push(running);
    }
    return running;
  };
}

/**
 * A folder served statically at the root of its own origin.
 * @param {string} dir
 * @returns {Promise<Served>}
 */
async function serveFolder(dir) {
  const site = await startStaticServer({ mounts: { '/': dir } });
  return { url: `${site.origin}/`, logs: [site.requests], documents: ['/', '/index.html'], close: site.close };
}

/**
 * The apps' own Vite dev server on a fixture, with every response logged.
 * @param {string} app
 * @param {{ vite?: string, cacheDir?: string, optimizeDeps?: { exclude: string[] } }} [options] `vite`:
 *   another installed Vite (`vite7`); `optimizeDeps`: the app's line for it, where the test needs one
 */
async function viteDevServer(app, { vite: name = 'vite', cacheDir, optimizeDeps } = {}) {
  const vite = await appVite(name);
  /** @type {ServedRequest[]} */
  const requests = [];
  const server = await vite.createServer({
    root: join(FIXTURES, app),
    logLevel: 'warn',
    clearScreen: false,
    // Its own pre-bundle cache per server, made anew: the cache may hold an older toolgate.
    ...(cacheDir && { cacheDir: join(WORK, cacheDir) }),
    optimizeDeps: { force: true, ...optimizeDeps },
    server: { host: '127.0.0.1', port: 0, strictPort: false, watch: { ignored: () => true } },
    plugins: [
      {
        name: 'log-responses',
        configureServer(dev) {
          dev.middlewares.use((req, res, next) => {
            res.on('finish', () => requests.push({ path: req.url ?? '', status: res.statusCode, type: String(res.getHeader('content-type') ?? '') }));
            next();
          });
        },
      },
    ],
  });
  await server.listen();
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('the Vite dev server reports no URL');
  return { url, logs: [requests], documents: ['/', '/index.html'], close: () => server.close() };
}

/** The built toolgate's folders in the apps' install. */
const toolgateDir = () => installed('toolgate');
const cdnBuild = () => installed('toolgate/dist/cdn');

/**
 * The plain page (fixtures/html) on one origin, loading dist/cdn/ from a "CDN" on another (with
 * CORS, as CDNs send), optionally under a Content-Security-Policy.
 * @param {{ csp?: (cdnOrigin: string) => string, attributes?: string }} [options]
 * @returns {Promise<Served>}
 */
async function crossOriginPage({ csp, attributes = '' } = {}) {
  const cdn = await startStaticServer({ mounts: { '/npm/toolgate@0.1.0/': toolgateDir() }, cors: true });
  const toolgate = `${cdn.origin}/npm/toolgate@0.1.0/dist/cdn`;
  const pageDir = await fillTemplate('html', join(WORK, 'served', `cross-origin${csp ? '-csp' : ''}-${Date.now()}`), { TOOLGATE: toolgate, PAGE_DIR: '', AGENT_ATTRIBUTES: attributes });
  const page = await startStaticServer({
    mounts: { '/': pageDir, '/shared/': join(FIXTURES, 'shared') },
    ...(csp && { headers: { 'content-security-policy': csp(cdn.origin) } }),
  });
  return {
    url: `${page.origin}/`,
    logs: [page.requests, cdn.requests],
    documents: ['/', '/index.html'],
    close: async () => void (await Promise.all([cdn.close(), page.close()])),
  };
}

/**
 * A strict policy for the plain page: scripts from itself and the CDN, workers from itself and the
 * CDN (a module worker's static imports are fetched as workers) but not from `blob:` unless asked,
 * connections only to the demo server, and Trusted Types enforced with the policy names the README lists.
 * @param {string} cdnOrigin
 * @param {{ blob?: boolean }} [options]
 */
function strictCsp(cdnOrigin, { blob = false } = {}) {
  const mcp = new URL(demo.httpUrl).host;
  return [
    "default-src 'self'",
    `script-src 'self' ${cdnOrigin}`,
    `worker-src 'self' ${blob ? 'blob: ' : ''}${cdnOrigin}`,
    `connect-src 'self' ${cdnOrigin} ws://${mcp} http://${mcp}`,
    "img-src 'self' data:",
    "style-src 'self'",
    "require-trusted-types-for 'script'",
    'trusted-types toolgate-worker toolgate-markdown lit-html',
  ].join('; ');
}

/** dist/cdn/ under /static/toolgate/ and the page at /app/deep/path, on one origin. @returns {Promise<Served>} */
async function subPathSite() {
  const pageDir = await fillTemplate('html', join(WORK, 'served', `sub-path-${Date.now()}`), { TOOLGATE: '/static/toolgate', PAGE_DIR: '/app/deep/path', AGENT_ATTRIBUTES: '' });
  const site = await startStaticServer({ mounts: { '/static/toolgate/': cdnBuild(), '/app/deep/path/': pageDir, '/shared/': join(FIXTURES, 'shared') } });
  return { url: `${site.origin}/app/deep/path`, logs: [site.requests], documents: ['/app/deep/path'], close: site.close };
}

/**
 * A site whose worker files are served wrong: the library's own `connection.worker.js` answered with
 * the site's HTML (a single-page-app fallback), and worker-urls answered 404, with HTML, and as
 * text/plain (fixtures/html/broken.html has one agent for each).
 * @returns {Promise<Served>}
 */
async function brokenSite() {
  const pageDir = await fillTemplate('html', join(WORK, 'served', `broken-${Date.now()}`), { TOOLGATE: '/static/toolgate', PAGE_DIR: '/app', AGENT_ATTRIBUTES: '' });
  const html = { type: 'text/html; charset=utf-8', body: '<!doctype html><title>The app</title><p>Page not found, here is the app instead.' };
  const worker = await readFile(join(cdnBuild(), 'connection.worker.js'), 'utf8');
  const site = await startStaticServer({
    mounts: { '/static/toolgate/': cdnBuild(), '/app/': pageDir, '/shared/': join(FIXTURES, 'shared') },
    override: (path) =>
      path === '/static/toolgate/connection.worker.js' || path === '/broken/html/connection.worker.js'
        ? html
        : path === '/broken/type/connection.worker.js'
          ? { type: 'text/plain; charset=utf-8', body: worker }
          : undefined,
  });
  return { url: `${site.origin}/app/broken.html`, logs: [site.requests], documents: ['/app/broken.html'], close: site.close };
}

const apps = {
  // Each dev server pre-bundles into its own folder; Vite 7's failing one keeps the default (.vite).
  viteDev: deployment(() => viteDevServer('vite-vanilla', { cacheDir: 'node_modules/.vite8' })),
  vite7Dev: deployment(() => viteDevServer('vite-vanilla', { vite: 'vite7' })),
  vite7DevExcluded: deployment(() => viteDevServer('vite-vanilla', { vite: 'vite7', cacheDir: 'node_modules/.vite7-excluded', optimizeDeps: { exclude: ['toolgate'] } })),
  viteBuild: deployment(async () => serveFolder(await viteBuild('vite-vanilla'))),
  webpack: deployment(async () => serveFolder(await webpackBuild('webpack'))),
  react: deployment(async () => serveFolder(await viteBuild('react'))),
  vue: deployment(async () => serveFolder(await viteBuild('vue'))),
  svelte: deployment(async () => serveFolder(await viteBuild('svelte'))),
  cdn: deployment(() => crossOriginPage()),
  strictCsp: deployment(() => crossOriginPage({ csp: strictCsp, attributes: 'worker-url="/toolgate-worker.js"' })),
  strictCspBlob: deployment(() => crossOriginPage({ csp: (cdn) => strictCsp(cdn, { blob: true }) })),
  cspWithoutBlob: deployment(() => crossOriginPage({ csp: strictCsp })),
  broken: deployment(brokenSite),
  subPath: deployment(subPathSite),
};

/** The page with the demo servers' URLs. @param {string} url */
function withServers(url) {
  const page = new URL(url);
  page.searchParams.set('ws', demo.wsUrl);
  page.searchParams.set('http', demo.httpUrl);
  return page.href;
}

/**
 * @typedef {object} ProbeReport see fixtures/shared/probe.js
 * @property {string[]} ready
 * @property {{ toolId: string, status: string, text: string }[]} calls
 * @property {string[]} errors
 * @property {number} handled
 * @property {boolean} done
 */

/**
 * Opens an app and checks that it works end to end.
 * @param {import('./harness.mjs').Browser} browser
 * @param {Served} served
 * @param {{ development?: boolean }} [expect] `development`: the bundler picked the `development` export
 */
async function expectWorkingApp(browser, served, { development = false } = {}) {
  const page = await browser.open(withServers(served.url));
  try {
    const report = async () => /** @type {ProbeReport} */ (JSON.parse(await page.evaluate(() => JSON.stringify(/** @type {{ __toolgateProbe?: unknown }} */ (globalThis).__toolgateProbe ?? null)) ?? 'null'));
    try {
      await page.waitFor(() => {
        const probe = /** @type {{ __toolgateProbe?: ProbeReport }} */ (globalThis).__toolgateProbe;
        return probe !== undefined && (probe.done || probe.errors.length > 0);
      }, WAIT_MS, 0);
    } catch (err) {
      assert.fail(`${browser.name}: the app did not finish: ${JSON.stringify(await report().catch(() => null))}\nconsole: ${JSON.stringify(page.console)}\ncause: ${err}`);
    }
    const probe = await report();
    assert.deepEqual(probe.errors, [], 'no error reached the page');
    assert.deepEqual([...probe.ready].sort(), [demo.httpUrl, demo.wsUrl].sort(), 'both servers reached ready');
    assert.equal(probe.calls.length, 2, 'one call per server');
    for (const call of probe.calls) {
      assert.equal(call.status, 'ok', `${call.toolId}: ${call.text}`);
      assert.match(call.text, /note-1: /, `${call.toolId} returned the notes`);
    }
    assert.ok(probe.handled > 0, "the app's own event binding received tg-connection-status");
    const errors = page.console.filter((m) => m.type === 'error' || m.type === 'pageerror');
    assert.deepEqual(errors, [], 'no console errors');
    const devMode = page.console.some((m) => m.text.includes('Lit is in dev mode'));
    assert.equal(devMode, development, development ? 'the development build is used' : 'production code: no "Lit is in dev mode" warning');
  } finally {
    await page.close();
  }
  const requests = served.logs.flat();
  for (const r of requests) {
    assert.ok(r.status < 400, `${r.path} answered ${r.status}`);
    if (r.type.startsWith('text/html')) assert.ok(served.documents.includes(r.path.split('?')[0] ?? ''), `${r.path} answered with HTML`);
  }
  // The worker: its file, or what a bundler named after its `name` (tg-connection) — not the
  // `<tg-connections>` element's lazy chunk (tg-connections-….js), which a dev server may pre-bundle.
  const worker = requests.filter((r) => /connection\.worker|tg-connection(?!s)/.test(r.path));
  assert.ok(worker.length > 0, 'the worker script was requested');
  for (const r of worker.filter((w) => w.status !== 304)) assert.match(r.type, /^text\/javascript/, `${r.path} is JavaScript (${r.status} ${r.type})`);
  if (development) assert.ok(worker.every((r) => r.path.includes('/dist/development/')), 'the worker comes from dist/development/');
}

/**
 * @typedef {HTMLElement & { policy: { servers: object[] }, servers: object[], appsSandboxOrigin: string | null,
 *   gate?: { policy: { servers: object[] }, tools(p: { kind: 'person' }): { id: string, tool: { name: string } }[] },
 *   runTool(id: string, args: object): Promise<unknown> }} PageAgent
 */

/**
 * A working app, then what a host adds for MCP Apps: `apps-sandbox-origin` (the package's sandbox
 * proxy, served on another host) and the app server, whose `show_counter` the person runs. The view
 * must render from the lazy `<tg-app-view>` chunk, in the sandbox, and show the tool's result.
 * @param {import('./harness.mjs').Browser} browser
 * @param {Served} served an app that sets `agent.servers`
 */
async function expectAppView(browser, served) {
  const url = new URL(withServers(served.url));
  url.searchParams.set('apps', appServer.httpUrl);
  url.searchParams.set('sandbox', sandbox.origin.replace('//127.0.0.1:', '//localhost:'));
  const page = await browser.open(url.href);
  try {
    await page.waitFor(() => /** @type {{ __toolgateProbe?: ProbeReport }} */ (globalThis).__toolgateProbe?.done === true, WAIT_MS, 0);
    await page.evaluate(() => {
      const params = new URLSearchParams(location.search);
      const tgAgent = /** @type {PageAgent} */ (document.querySelector('tg-agent'));
      tgAgent.appsSandboxOrigin = params.get('sandbox');
      tgAgent.policy = { ...tgAgent.policy, servers: [...tgAgent.policy.servers, { url: `${new URL(params.get('apps') ?? '').origin}/*`, trusted: true }] };
    });
    // The policy in force (and so the sandbox origin, applied with it) before the server connects.
    await page.waitFor((count) => /** @type {PageAgent} */ (document.querySelector('tg-agent')).gate?.policy.servers.length === count, WAIT_MS, 3);
    await page.evaluate(() => {
      const tgAgent = /** @type {PageAgent} */ (document.querySelector('tg-agent'));
      tgAgent.servers = [...tgAgent.servers, { name: 'Counter', url: new URLSearchParams(location.search).get('apps'), transport: 'http' }];
    });
    await page.waitFor(() => Boolean(/** @type {PageAgent} */ (document.querySelector('tg-agent')).gate?.tools({ kind: 'person' }).some((t) => t.tool.name === 'show_counter')), WAIT_MS, 0);
    await page.evaluate(async () => {
      const tgAgent = /** @type {PageAgent} */ (document.querySelector('tg-agent'));
      const tool = tgAgent.gate?.tools({ kind: 'person' }).find((t) => t.tool.name === 'show_counter');
      await tgAgent.runTool(tool?.id ?? '', { start: 7 });
    });
    /** @type {string[]} */
    let frames = [];
    for (const deadline = Date.now() + WAIT_MS; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 200))) {
      frames = await page.frameTexts();
      if (frames.some((text) => text.includes('Result: {"count":7}'))) break;
    }
    assert.ok(frames.some((text) => text.includes('Result: {"count":7}')), `${browser.name}: the counter view shows the result: ${JSON.stringify(frames)}\nconsole: ${JSON.stringify(page.console)}`);
    // Firefox reports the view's own CSP at work (its SDK probes for eval, which the view's policy, naming
    // the app server, refuses) among the page's errors: the view's business, not the host's.
    const viewPolicy = (/** @type {{ text: string }} */ m) => /Content-Security-Policy/.test(m.text) && m.text.includes(appServer.origin);
    const errors = page.console.filter((m) => (m.type === 'error' || m.type === 'pageerror') && !viewPolicy(m));
    assert.deepEqual(errors, [], 'no console errors');
  } finally {
    await page.close();
  }
  const requests = served.logs.flat();
  assert.ok(requests.some((r) => /tg-app-view-[\w-]+\.js$/.test(r.path) && r.status < 400), 'the lazy <tg-app-view> chunk came from the app');
}

describe('the package', () => {
  test('ships only the build, the typings, the CLI, the OAuth callback page and the MCP Apps sandbox proxy', () => {
    assert.ok(packed);
    const paths = packed.files.map((f) => f.path);
    for (const page of ['public/oauth-callback.html', 'public/oauth-callback.js', 'public/mcp-app-sandbox.html', 'public/mcp-app-sandbox.js']) assert.ok(paths.includes(page), `${page} ships`);
    const allowed = /^(package\.json|README\.md|LICENSE|bin\/[^/]+\.mjs|public\/[^/]+|types\/[^/]+\.d\.ts|dist\/.+)$/;
    assert.deepEqual(paths.filter((p) => !allowed.test(p)), [], 'nothing else ships');
    assert.deepEqual(paths.filter((p) => /(^|\/)(test|demo)\/|\.test\./.test(p)), [], 'no tests, no demo');
    const maps = paths.filter((p) => p.endsWith('.map'));
    assert.ok(maps.length > 0 && maps.every((p) => p.startsWith('dist/development/')), 'source maps only in the development build');
  });

  test('source maps carry their sources and name none outside the package', async () => {
    assert.ok(packed);
    for (const path of packed.files.map((f) => f.path).filter((p) => p.endsWith('.map'))) {
      const map = JSON.parse(await readFile(installed(`toolgate/${path}`), 'utf8'));
      assert.equal(map.sourcesContent?.length, map.sources.length, `${path} embeds its sources`);
      for (const source of map.sources) assert.match(source, /^toolgate\//, `${path}: ${source}`);
    }
  });

  test('every export resolves to a shipped file, with types for each entry', async () => {
    assert.ok(packed);
    const shipped = new Set(packed.files.map((f) => f.path));
    const pkg = JSON.parse(await readFile(installed('toolgate/package.json'), 'utf8'));
    /** @type {(target: unknown) => string[]} */
    const targets = (target) => (typeof target === 'string' ? [target] : Object.values(/** @type {object} */ (target)).flatMap(targets));
    for (const [entry, target] of Object.entries(pkg.exports)) {
      for (const file of targets(target)) assert.ok(shipped.has(file.replace(/^\.\//, '')), `${entry} → ${file} ships`);
      const conditions = typeof target === 'string' ? [] : Object.keys(target);
      if (!entry.startsWith('./types/') && conditions.length > 0) {
        assert.equal(conditions[0], 'types', `${entry}: "types" comes first`);
        if (!/\.json$/.test(entry)) assert.deepEqual(conditions, ['types', 'development', 'default'], `${entry}: types, development, default`);
      }
    }
  });

  test('each entry of the build (scripts/library-entries.mjs) has declarations and an exports block', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
    const declared = JSON.parse(await readFile(join(ROOT, 'tsconfig.types.json'), 'utf8')).files;
    for (const [name, { source, exportPath }] of Object.entries(ENTRIES)) {
      assert.ok(declared.includes(source), `tsconfig.types.json lists ${source}`);
      assert.deepEqual(
        pkg.exports[exportPath],
        { types: `./dist/types/${source.replace(/\.ts$/, '.d.ts')}`, development: `./dist/development/${name}.js`, default: `./dist/${name}.js` },
        `package.json exports["${exportPath}"]`,
      );
    }
  });

  test('installs without engine warnings, and its CLI runs', async () => {
    assert.doesNotMatch(installOutput, /EBADENGINE/, installOutput);
    const usage = await run(process.execPath, [installed('toolgate/bin/toolgate-audit.mjs')], { cwd: WORK }).catch((err) => err);
    assert.match(`${usage.stdout}${usage.stderr}`, /toolgate-audit verify/, 'prints its usage');
  });
});

describe('README', () => {
  test('every framework snippet is a part of a tested app: its lines, in order, are in the fixture', async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    const snippets = [...readme.matchAll(/<!-- tested: (\S+) -->\n```\w*\n([\s\S]*?)```/g)];
    assert.ok(snippets.length >= 5, 'the README marks its tested snippets');
    for (const [, fixture, code] of snippets) {
      // The plain pages name the library's folder %TOOLGATE%; the README shows a CDN URL there.
      const source = (await readFile(join(ROOT, /** @type {string} */ (fixture)), 'utf8')).replaceAll('%TOOLGATE%', 'https://cdn.jsdelivr.net/npm/toolgate@0.1.0/dist/cdn');
      const lines = source.split('\n').map((l) => l.trim());
      let at = 0;
      for (const line of /** @type {string} */ (code).split('\n').map((l) => l.trim()).filter(Boolean)) {
        const found = lines.indexOf(line, at);
        assert.ok(found >= 0, `${fixture}: the README's line "${line}" is not in the app (after line ${at})`);
        at = found + 1;
      }
    }
  });
});

// Two checkers at a time (the machine's cores), while the apps build in the background.
describe('typings compile in consumer projects', { concurrency: 2 }, () => {
  /** Runs a checker from the apps' install over a fixture; its output is the failure message. @param {string} bin @param {string[]} args */
  const check = async (bin, args) => void (await run(process.execPath, [installed(bin), ...args], { cwd: WORK }));
  test('TypeScript (vanilla, skipLibCheck off): tag map, event map, typed handlers', () => check('typescript/bin/tsc', ['-p', join(FIXTURES, 'vite-vanilla')]));
  test('React 19 JSX: properties, ref, typed on… event props', () => check('typescript/bin/tsc', ['-p', join(FIXTURES, 'react')]));
  test('Preact JSX', () => check('typescript/bin/tsc', ['-p', join(FIXTURES, 'preact')]));
  test('Vue 3 templates (vue-tsc, GlobalComponents)', () => check('vue-tsc/bin/vue-tsc.js', ['-p', join(FIXTURES, 'vue')]));
  test('Svelte 5 markup (svelte-check)', () =>
    check('svelte-check/bin/svelte-check', ['--workspace', join(FIXTURES, 'svelte'), '--tsconfig', './tsconfig.json', '--fail-on-warnings']));
});

/** @type {[string, () => Promise<Served>, { development?: boolean }?][]} */
const working = [
  ['Vite dev server (vanilla TypeScript, no config)', apps.viteDev, { development: true }],
  ["Vite 7 dev server with the line TG_WORKER_FAILED names (optimizeDeps: { exclude: ['toolgate'] })", apps.vite7DevExcluded, { development: true }],
  ['Vite production build, served statically', apps.viteBuild],
  ['webpack 5 (no config), served statically', apps.webpack],
  ['React 19 + TypeScript (Vite build)', apps.react],
  ['Vue 3 (Vite build)', apps.vue],
  ['Svelte 5 (Vite build)', apps.svelte],
  ['plain HTML loading dist/cdn/ from another origin', apps.cdn],
  ['plain HTML under a strict CSP with blob: workers and Trusted Types', apps.strictCspBlob],
  ['plain HTML under a strict CSP without blob: workers, with worker-url and Trusted Types', apps.strictCsp],
  ['dist/cdn/ served from /static/toolgate/, page at /app/deep/path', apps.subPath],
];

/**
 * Opens a page whose workers cannot start and returns each agent's errors (as the probe saw them in
 * `tg-connection-status`) and the text its cards show.
 * @param {import('./harness.mjs').Browser} browser
 * @param {Served} served
 * @param {number} failures how many connections must fail
 */
async function failedConnections(browser, served, failures) {
  const page = await browser.open(withServers(served.url));
  try {
    /** @typedef {ProbeReport & { cards(): { name: string, text: string }[] }} Probe */
    const cardsText = () => page.evaluate(() => JSON.stringify(/** @type {{ __toolgateProbe?: Probe }} */ (globalThis).__toolgateProbe?.cards() ?? []));
    try {
      await page.waitFor((count) => (/** @type {{ __toolgateProbe?: ProbeReport }} */ (globalThis).__toolgateProbe?.errors.length ?? 0) >= count, WAIT_MS, failures);
      await page.waitFor(() => {
        const cards = /** @type {{ __toolgateProbe?: Probe }} */ (globalThis).__toolgateProbe?.cards() ?? [];
        return cards.length > 0 && cards.every((card) => card.text.split('TG_WORKER_FAILED').length > 2);
      }, WAIT_MS, 0);
    } catch (err) {
      assert.fail(`${browser.name}: the failures did not show: ${await cardsText()}\nconsole: ${JSON.stringify(page.console)}\ncause: ${err}`);
    }
    const probe = /** @type {ProbeReport} */ (JSON.parse(await page.evaluate(() => JSON.stringify(/** @type {{ __toolgateProbe?: unknown }} */ (globalThis).__toolgateProbe))));
    // Firefox reports the refused worker load itself as a page error; anything else would be ours.
    const uncaught = page.console.filter((m) => m.type === 'pageerror' && !/connection\.worker\.js|blob:/.test(m.text));
    assert.deepEqual(uncaught, [], 'no uncaught error');
    return { errors: probe.errors, cards: /** @type {{ name: string, text: string }[]} */ (JSON.parse(await cardsText())) };
  } finally {
    await page.close();
  }
}

for (const name of /** @type {const} */ (['chromium', 'firefox'])) {
  describe(`broken deployments in ${name}`, () => {
    test('worker files answered with HTML, 404 or text/plain: TG_WORKER_FAILED naming the URL and the cause', async () => {
      const served = await apps.broken();
      const origin = new URL(served.url).origin;
      const { errors, cards } = await failedConnections(/** @type {import('./harness.mjs').Browser} */ (browsers[name]), served, 8);
      /** @type {[string, string, RegExp][]} */
      const expected = [
        ['default location', `${origin}/static/toolgate/connection.worker.js`, /HTML page.*serve the whole folder/],
        ['404', `${origin}/broken/missing/connection.worker.js`, /answered 404.*worker-url/],
        ['html', `${origin}/broken/html/connection.worker.js`, /HTML page/],
        ['type', `${origin}/broken/type/connection.worker.js`, /"text\/plain".*JavaScript MIME type/],
      ];
      for (const [agent, url, cause] of expected) {
        const mine = errors.filter((e) => e.includes(`${url} `));
        // At least once per connection: the registry starts a failed worker again with the server's backoff.
        assert.ok(mine.length >= 2, `${agent}: both connections failed (${JSON.stringify(errors)})`);
        for (const error of mine) {
          assert.match(error, /^TG_WORKER_FAILED /, error);
          assert.match(error, cause, error);
        }
        const card = cards.find((c) => c.name === agent)?.text ?? '';
        assert.ok(card.includes('TG_WORKER_FAILED') && card.includes(url), `${agent}: the card shows the code and the URL: ${card}`);
      }
    });

    test("Vite 7's dev server pre-bundles toolgate without its worker: TG_WORKER_FAILED names the optimizeDeps line", async () => {
      const { errors } = await failedConnections(/** @type {import('./harness.mjs').Browser} */ (browsers[name]), await apps.vite7Dev(), 2);
      for (const error of errors) assert.match(error, /^TG_WORKER_FAILED .*\/node_modules\/\.vite\/deps\/connection\.worker\.js.*optimizeDeps: \{ exclude: \['toolgate'\] \}/, error);
    });

    test('a CSP without blob: workers and no worker-url: TG_WORKER_FAILED naming worker-src', async () => {
      const { errors } = await failedConnections(/** @type {import('./harness.mjs').Browser} */ (browsers[name]), await apps.cspWithoutBlob(), 2);
      for (const error of errors) assert.match(error, /^TG_WORKER_FAILED .*connection\.worker\.js.*blob: in worker-src.*worker-url/, error);
    });
  });

  describe(`apps in ${name}`, () => {
    for (const [title, app, expect] of working) {
      test(title, async (t) => {
        const started = Date.now();
        const served = await app();
        const ready = Date.now();
        await expectWorkingApp(/** @type {import('./harness.mjs').Browser} */ (browsers[name]), served, expect);
        t.diagnostic(`build+serve ${((ready - started) / 1000).toFixed(1)} s, browser ${((Date.now() - ready) / 1000).toFixed(1)} s`);
      });
    }
  });

  describe(`MCP App views in ${name}`, () => {
    test('plain HTML loading dist/cdn/ from another origin', async () => expectAppView(/** @type {import('./harness.mjs').Browser} */ (browsers[name]), await apps.cdn()));
    test('Vite production build', async () => expectAppView(/** @type {import('./harness.mjs').Browser} */ (browsers[name]), await apps.viteBuild()));
  });
}
