// @ts-check
/**
 * End to end: the demo as `npm start` serves it (Vite + the demo MCP server, on free ports),
 * driven in the system Chromium by Playwright through roles and labels. Each flow runs in a fresh
 * browser context (its own IndexedDB, so its own audit log). Screenshots of every step go to
 * test-output/e2e/. Run: `npm run test:e2e`.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { launchChromium, OUTPUT_DIR, screenshot, startDemo, verifyWithCli } from './harness.mjs';

/** Conditions get this long: the machine may be busy, and nothing here waits a fixed time. */
const WAIT_MS = 30_000;

/** @type {import('./harness.mjs').RunningDemo} */
let demo;
/** @type {import('playwright-core').Browser} */
let browser;

before(async () => {
  demo = await startDemo();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await demo?.close();
});

/**
 * A fresh context and page on the demo, with page errors collected (a test fails on any).
 * @param {{ width: number, height: number }} viewport
 */
async function openDemo(viewport) {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  context.setDefaultTimeout(WAIT_MS);
  const page = await context.newPage();
  /** @type {string[]} */
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(demo.url);
  return { context, page, errors };
}

/** @param {import('playwright-core').Page} page */
const toolForm = (page) => page.getByRole('form', { name: 'Run a tool' });
/** @param {import('playwright-core').Page} page */
const toolPicker = (page) => toolForm(page).getByLabel('Tool', { exact: true });
/** @param {import('playwright-core').Page} page */
const approvalCard = (page) => page.getByRole('alertdialog');

/**
 * The page loaded and both servers are ready: the agent says so and the tool picker lists the
 * tools of both connections.
 * @param {import('playwright-core').Page} page
 */
async function waitForServers(page) {
  await page.waitForFunction(
    () => {
      const agent = /** @type {{ connections?: readonly { status: string }[] } | null} */ (document.querySelector('tg-agent'));
      const servers = agent?.connections;
      return servers !== undefined && servers.length === 2 && servers.every((s) => s.status === 'ready');
    },
    undefined,
    { timeout: WAIT_MS },
  );
  await toolPicker(page).locator('optgroup').nth(1).locator('option', { hasText: 'delete_note' }).waitFor({ state: 'attached' });
}

/**
 * The option value of a tool of the trusted JSON connection (its first group).
 * @param {import('playwright-core').Page} page
 * @param {string} name
 */
async function jsonTool(page, name) {
  const option = toolPicker(page).locator('optgroup').first().locator('option', { hasText: `(${name})` });
  const value = await option.getAttribute('value');
  assert.ok(value, `no option for ${name}`);
  return value;
}

/**
 * Picks a tool of the JSON connection, fills its one text field and runs it.
 * @param {import('playwright-core').Page} page
 * @param {string} tool
 * @param {string} field label of the field
 * @param {string} value
 */
async function runTool(page, tool, field, value) {
  await toolPicker(page).selectOption(await jsonTool(page, tool));
  await toolForm(page).getByRole('textbox', { name: field, exact: true }).fill(value);
  await toolForm(page).getByRole('button', { name: 'Run' }).click();
}

/**
 * The conversation's entries for one tool call, newest last.
 * @param {import('playwright-core').Page} page
 * @param {string} toolId
 */
const chips = (page, toolId) => page.getByRole('log', { name: 'Conversation' }).getByRole('listitem').filter({ hasText: toolId });

/** No horizontal scroll at this width. @param {import('playwright-core').Page} page */
async function assertNoHorizontalScroll(page) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  assert.ok(scrollWidth <= innerWidth, `the page scrolls sideways: ${scrollWidth}px content in a ${innerWidth}px window`);
}

/**
 * The whole approval flow with the mouse: read-only call without a card, delete_note denied and
 * then allowed, the audit log verified and exported, the export checked by the Node verifier.
 * @param {import('playwright-core').Page} page
 * @param {string} prefix screenshot name prefix
 * @param {(step: string) => Promise<void>} check run after every step (e.g. the 360 px check)
 */
async function approvalFlow(page, prefix, check) {
  const shot = async (/** @type {string} */ step) => {
    await check(step);
    await screenshot(page, `${prefix}-${step}`);
  };
  await waitForServers(page);
  await shot('01-connected');

  // A read-only tool of the trusted server: runs at once, no card.
  const searchId = await jsonTool(page, 'search_notes');
  await runTool(page, 'search_notes', 'query', 'Lisbon');
  const search = chips(page, searchId).last();
  await search.getByRole('status').filter({ hasText: 'done' }).waitFor();
  await search.getByText('Trip to Lisbon').first().waitFor();
  assert.equal(await approvalCard(page).count(), 0, 'a read-only call of a trusted server must not ask');
  await shot('02-read-only-result');

  // delete_note asks; Deny refuses it.
  const deleteId = await jsonTool(page, 'delete_note');
  await runTool(page, 'delete_note', 'id', 'note-2');
  const card = approvalCard(page);
  await card.waitFor();
  assert.match((await card.getByRole('heading', { level: 2 }).textContent()) ?? '', /delete_note/);
  await shot('03-approval-card');
  await card.getByRole('button', { name: 'Deny' }).click();
  const denied = chips(page, deleteId).last();
  await denied.getByRole('status').filter({ hasText: 'refused' }).waitFor();
  await card.waitFor({ state: 'detached' });

  // The audit log shows the denial.
  await page.getByRole('button', { name: 'Show audit log' }).click();
  // The list is virtualized, so look through the filter, as a person would.
  await page.getByRole('search', { name: 'Filter audit records' }).getByRole('combobox', { name: /^Decision/ }).selectOption('deny');
  const records = page.getByRole('table', { name: 'Audit records' });
  // The virtualized rows render only when the table is on screen.
  await records.scrollIntoViewIfNeeded();
  const denialRow = records.getByRole('row').filter({ has: page.getByRole('cell', { name: 'delete_note', exact: true }) }).filter({ has: page.getByRole('cell', { name: 'deny', exact: true }) });
  await denialRow.first().waitFor();
  await shot('04-denial-in-audit-log');

  // Again; Allow once runs it and the result is shown.
  await runTool(page, 'delete_note', 'id', 'note-2');
  await card.waitFor();
  await card.getByRole('button', { name: 'Allow once' }).click();
  const allowed = chips(page, deleteId).last();
  await allowed.getByRole('status').filter({ hasText: 'done' }).waitFor();
  await allowed.getByText('Deleted note-2: Grocery list').waitFor();
  await shot('05-allowed-result');

  // Verify, then Export: the download is a JSONL file the Node verifier accepts.
  await page.getByRole('button', { name: 'Verify', exact: true }).click();
  await page.getByRole('status').filter({ hasText: /^\s*Chain verified: .* intact\.\s*$/ }).waitFor();
  await shot('06-verified');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export', exact: true }).click()]);
  assert.match(download.suggestedFilename(), /^toolgate-audit-.*\.jsonl$/);
  const file = `${OUTPUT_DIR}${prefix}-audit.jsonl`;
  await download.saveAs(file);
  const lines = (await readFile(file, 'utf8')).trim().split('\n');
  assert.ok(lines.length > 3, `the export has ${lines.length} lines`);
  assert.ok(lines.some((line) => line.includes('"deny"') && line.includes('delete_note')), 'the export holds the denial');
  const verdict = await verifyWithCli(file);
  assert.equal(verdict.code, 0, `toolgate-audit verify failed:\n${verdict.stdout}${verdict.stderr}`);
  await shot('07-exported');
}

describe('the demo, end to end (Chromium)', { timeout: 240_000 }, () => {
  test('desktop: read-only call, deny, allow, audit verify and export', async () => {
    const { context, page, errors } = await openDemo({ width: 1280, height: 900 });
    try {
      await approvalFlow(page, 'desktop', async () => {});
      assert.deepEqual(errors, []);
    } catch (error) {
      await screenshot(page, 'desktop-failure').catch(() => {});
      throw error;
    } finally {
      await context.close();
    }
  });

  test('360 px wide: the same flow, and the page never scrolls sideways', async () => {
    const { context, page, errors } = await openDemo({ width: 360, height: 740 });
    try {
      await approvalFlow(page, 'phone', () => assertNoHorizontalScroll(page));
      assert.deepEqual(errors, []);
    } catch (error) {
      await screenshot(page, 'phone-failure').catch(() => {});
      throw error;
    } finally {
      await context.close();
    }
  });
});
