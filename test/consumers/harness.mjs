// @ts-check
/**
 * The consumer suite's machinery (consumers.test.mjs): pack toolgate as `npm publish` would, install
 * the tarball into the fixture apps, build them the way their users do, serve them, and open them in
 * the system Chromium (Playwright) and Firefox ESR (Puppeteer over WebDriver BiDi).
 *
 * The apps live outside the repository (a folder per checkout under the OS temp dir), so nothing
 * can resolve from the repository's own node_modules: they see only what the tarball brings. Their
 * dependencies (Vite, webpack, React, Vue, Svelte, …) come from test/consumers/package-lock.json with
 * one `npm ci` from npm's cache, kept while the lock file is unchanged; the tarball is installed anew
 * every run (`npm install --no-save`, under a name carrying its hash so npm never keeps an old one).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdir, readFile, readdir, rm, writeFile, rename } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import puppeteer from 'puppeteer-core';
import { chromiumArgs } from '../../web-test-runner.config.mjs';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SUITE = fileURLToPath(new URL('./', import.meta.url));
/** This checkout's apps (several checkouts may run the suite at once on one machine). */
export const WORK = process.env.TG_CONSUMERS_DIR ?? join(tmpdir(), `toolgate-consumers-${sha256(ROOT).slice(0, 10)}`);
export const FIXTURES = join(WORK, 'fixtures');
const NPM_FLAGS = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=warn'];

/** @param {string | Buffer} data */
function sha256(data) {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Runs a command; rejects with its output when it fails.
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd: string, env?: NodeJS.ProcessEnv }} options `env` replaces this process's environment
 * @returns {Promise<{ stdout: string, stderr: string }>}
 */
export function run(command, args, { cwd, env = process.env }) {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(Object.assign(new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${stdout}\n${stderr}`), { stdout, stderr }));
      else resolve({ stdout, stderr });
    });
  });
}

/** Where a package's file lies in the apps' install. @param {string} path */
export const installed = (path) => join(WORK, 'node_modules', path);

/**
 * `npm run build:library` (what `prepack` runs), then `npm pack`: the tarball and its file list.
 * @returns {Promise<{ tarball: string, files: { path: string, size: number }[] }>}
 */
export async function packToolgate() {
  await run('npm', ['run', 'build:library', '--silent'], { cwd: ROOT });
  await mkdir(WORK, { recursive: true });
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', WORK], { cwd: ROOT });
  const [info] = /** @type {{ filename: string, files: { path: string, size: number }[] }[]} */ (JSON.parse(stdout));
  if (!info) throw new Error('npm pack reported nothing');
  const packed = join(WORK, info.filename);
  const tarball = join(WORK, `toolgate-${sha256(await readFile(packed)).slice(0, 12)}.tgz`);
  await rename(packed, tarball);
  return { tarball, files: info.files };
}

/**
 * The apps' folder: their dependencies (npm ci, skipped while the lock is unchanged), fresh copies
 * of the fixtures, and the tarball. Returns what `npm install` printed for the tarball.
 * @param {string} tarball
 * @returns {Promise<string>}
 */
export async function installApps(tarball) {
  const lock = await readFile(join(SUITE, 'package-lock.json'));
  const marker = join(WORK, 'node_modules', '.toolgate-fixtures-lock');
  const current = existsSync(marker) ? await readFile(marker, 'utf8') : '';
  await cp(join(SUITE, 'package.json'), join(WORK, 'package.json'));
  await cp(join(SUITE, 'package-lock.json'), join(WORK, 'package-lock.json'));
  if (current !== sha256(lock)) {
    await rm(join(WORK, 'node_modules'), { recursive: true, force: true });
    await run('npm', ['ci', ...NPM_FLAGS], { cwd: WORK });
    await writeFile(marker, sha256(lock));
  }
  await rm(FIXTURES, { recursive: true, force: true });
  await cp(join(SUITE, 'fixtures'), FIXTURES, { recursive: true });
  await writeAppPages();
  for (const old of (await readdir(WORK)).filter((f) => f.endsWith('.tgz') && join(WORK, f) !== tarball)) await rm(join(WORK, old));
  const { stdout, stderr } = await run('npm', ['install', '--no-save', ...NPM_FLAGS, tarball], { cwd: WORK });
  return stdout + stderr;
}

/**
 * What differs in the bundled apps' pages; the rest is fixtures/shared/app.html. Vite builds from
 * the index.html at the app's root, and webpack's build copies it next to dist/main.js.
 * @type {Record<string, { TITLE: string, BODY: string, SCRIPT: string }>}
 */
const APP_PAGES = {
  'vite-vanilla': { TITLE: 'Toolgate in a Vite app', BODY: '<tg-agent tenant="vite" name="Vite app"></tg-agent>', SCRIPT: '<script type="module" src="/src/main.ts"></script>' },
  webpack: { TITLE: 'Toolgate in a webpack app', BODY: '<tg-agent tenant="webpack" name="webpack app"></tg-agent>', SCRIPT: '<script defer src="main.js"></script>' },
  react: { TITLE: 'Toolgate in a React 19 app', BODY: '<div id="root"></div>', SCRIPT: '<script type="module" src="/src/main.tsx"></script>' },
  vue: { TITLE: 'Toolgate in a Vue 3 app', BODY: '<div id="app"></div>', SCRIPT: '<script type="module" src="/src/main.ts"></script>' },
  svelte: { TITLE: 'Toolgate in a Svelte 5 app', BODY: '<div id="app"></div>', SCRIPT: '<script type="module" src="/src/main.ts"></script>' },
};

/** Writes each bundled app's index.html from the one template. */
async function writeAppPages() {
  const template = await readFile(join(FIXTURES, 'shared', 'app.html'), 'utf8');
  for (const [app, values] of Object.entries(APP_PAGES)) {
    let page = template.replace(/<!--[\s\S]*?-->\n/, '');
    for (const [name, value] of Object.entries(values)) page = page.replaceAll(`%${name}%`, value);
    await writeFile(join(FIXTURES, app, 'index.html'), page);
  }
}

/**
 * The apps' own Vite (never the repository's), for its dev server.
 * @param {string} [name] the installed package: `vite`, or `vite7` (an older major, aliased)
 * @returns {Promise<typeof import('vite')>}
 */
export async function appVite(name = 'vite') {
  return import(pathToFileURL(installed(`${name}/dist/node/index.js`)).href);
}

/**
 * `vite build` in a fixture, as its users run it: the CLI, in a process of its own (Vite reads and
 * sets NODE_ENV, so a build next to a dev server in one process would pick development code).
 * @param {string} app a folder under fixtures/
 */
export async function viteBuild(app) {
  const { NODE_ENV: _ignored, ...env } = process.env;
  await run(process.execPath, [installed('vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: join(FIXTURES, app), env });
  return join(FIXTURES, app, 'dist');
}

/**
 * `webpack --mode production` with no configuration file, in the fixture (src/index.js → dist/main.js),
 * then its index.html next to the output.
 * @param {string} app
 */
export async function webpackBuild(app) {
  const dir = join(FIXTURES, app);
  await run(process.execPath, [installed('webpack-cli/bin/cli.js'), '--mode', 'production', '--no-color'], { cwd: dir });
  await cp(join(dir, 'index.html'), join(dir, 'dist', 'index.html'));
  return join(dir, 'dist');
}

/**
 * Copies a fixture folder with `%NAME%` placeholders filled in.
 * @param {string} app
 * @param {string} to
 * @param {Record<string, string>} values
 */
export async function fillTemplate(app, to, values) {
  await mkdir(to, { recursive: true });
  for (const file of await readdir(join(FIXTURES, app))) {
    let text = await readFile(join(FIXTURES, app, file), 'utf8');
    for (const [name, value] of Object.entries(values)) text = text.replaceAll(`%${name}%`, value);
    await writeFile(join(to, file), text);
  }
  return to;
}

/**
 * A console message or uncaught error of the page (and, where the driver reports them, its workers).
 * @typedef {{ type: string, text: string }} ConsoleEntry
 */

/**
 * @typedef {object} OpenPage
 * @property {ConsoleEntry[]} console
 * @property {(fn: (arg: number) => unknown, timeoutMs: number, arg: number) => Promise<void>} waitFor runs in the page: `fn` sees only `arg`
 * @property {<T>(fn: () => T) => Promise<T>} evaluate
 * @property {() => Promise<string[]>} frameTexts the text of every frame below the page (cross-origin ones too)
 * @property {() => Promise<void>} close
 */

/**
 * @typedef {object} Browser
 * @property {'chromium' | 'firefox'} name
 * @property {(url: string) => Promise<OpenPage>} open a fresh context (own storage), then the page
 * @property {() => Promise<void>} close
 */

/**
 * The text of every frame below a page (Playwright's and Puppeteer's pages list frames alike); a frame
 * navigating meanwhile reads as ''.
 * @param {{ frames(): { evaluate(fn: () => string): Promise<string> }[] }} page
 */
function frameTexts(page) {
  return Promise.all(page.frames().slice(1).map((frame) => frame.evaluate(() => document.body?.innerText ?? '').catch(() => '')));
}

/** @returns {Promise<Browser>} */
export async function launchChromium() {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs, headless: true });
  return {
    name: 'chromium',
    async open(url) {
      const context = await browser.newContext();
      const page = await context.newPage();
      /** @type {ConsoleEntry[]} */
      const messages = [];
      page.on('console', (m) => messages.push({ type: m.type() === 'warning' ? 'warn' : m.type(), text: m.text() }));
      page.on('pageerror', (e) => messages.push({ type: 'pageerror', text: e.message }));
      await page.goto(url);
      return {
        console: messages,
        waitFor: async (fn, timeout, arg) => void (await page.waitForFunction(fn, arg, { timeout, polling: 100 })),
        evaluate: (fn) => page.evaluate(fn),
        frameTexts: () => frameTexts(page),
        close: () => context.close(),
      };
    },
    close: () => browser.close(),
  };
}

/** @returns {Promise<Browser>} */
export async function launchFirefox() {
  const browser = await puppeteer.launch({ browser: 'firefox', executablePath: '/usr/bin/firefox-esr', headless: true, protocolTimeout: 120_000 });
  return {
    name: 'firefox',
    async open(url) {
      const context = await browser.createBrowserContext();
      const page = await context.newPage();
      /** @type {ConsoleEntry[]} */
      const messages = [];
      page.on('console', (m) => messages.push({ type: m.type(), text: m.text() }));
      page.on('pageerror', (e) => messages.push({ type: 'pageerror', text: e instanceof Error ? e.message : String(e) }));
      await page.goto(url);
      return {
        console: messages,
        waitFor: async (fn, timeout, arg) => void (await page.waitForFunction(fn, { timeout, polling: 100 }, arg)),
        evaluate: (fn) => page.evaluate(fn),
        frameTexts: () => frameTexts(page),
        close: () => context.close(),
      };
    },
    close: () => browser.close(),
  };
}
