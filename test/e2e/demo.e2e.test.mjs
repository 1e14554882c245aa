// @ts-check
/**
 * End to end: the demo as `npm start` serves it (Vite + the demo MCP server, on free ports),
 * driven in the system Chromium by Playwright through roles and labels. Each flow runs in a fresh
 * browser context (its own IndexedDB, so its own audit log). With a model (the scripted LLM
 * server, given to the page as `?llm=…` the way a host sets `<tg-provider>`): an image result in
 * each API's shape, the page's own tool approved and audited, attachments reaching the model or
 * withheld, a `/` prompt — each asserted on the request the model server got. Screenshots of every
 * step go to test-output/e2e/. Run: `npm run test:e2e`.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import { start as startScriptedLlm } from '../support/services/llm.mjs';
import { anthropicTurn, openAiTurn } from '../support/llm/turns.mjs';
import { OUTPUT_DIR, WAIT_MS, onPage, screenshot, startDemo, useDemo, verifyWithCli } from './harness.mjs';

const running = useDemo();

/**
 * A fresh page on the demo (see onPage).
 * @param {{ width: number, height: number }} viewport
 * @param {string} name screenshot prefix of a failure
 * @param {(page: import('playwright-core').Page) => Promise<void>} flow
 */
const onDemo = (viewport, name, flow) => onPage(running.browser, { url: running.demo.url, viewport, name }, flow);

/** @param {import('playwright-core').Page} page */
const toolForm = (page) => page.getByRole('form', { name: 'Run a tool' });
/** @param {import('playwright-core').Page} page */
const toolPicker = (page) => toolForm(page).getByLabel('Tool', { exact: true });
/**
 * The picker's group of one connection, by its gate id (groups come in the order the servers got
 * ready, which varies).
 * @param {import('playwright-core').Page} page
 * @param {string} serverId
 */
const toolGroup = (page, serverId) => toolPicker(page).locator(`optgroup[label="${serverId}"]`);
/** @param {import('playwright-core').Page} page */
const approvalCard = (page) => page.getByRole('alertdialog');

/**
 * The page loaded and both connections to the demo server are ready: the agent says so and the
 * tool picker lists the tools of both. (The OAuth-protected one waits for a sign-in.)
 * @param {import('playwright-core').Page} page
 * @param {boolean} [manual] check the manual tool picker too (there is none with a model)
 */
async function waitForServers(page, manual = true) {
  await page.waitForFunction(
    () => {
      const agent = /** @type {{ connections?: readonly { status: string, spec: { name?: string } }[] } | null} */ (document.querySelector('tg-agent'));
      const servers = agent?.connections ?? [];
      return ['Demo (JSON)', 'Demo (MessagePack)'].every((name) => servers.some((s) => s.spec.name === name && s.status === 'ready'));
    },
    undefined,
    { timeout: WAIT_MS },
  );
  if (!manual) return;
  await toolGroup(page, 'demo-json').locator('option', { hasText: '(delete_note)' }).waitFor({ state: 'attached' });
  await toolGroup(page, 'demo-messagepack').locator('option', { hasText: '(delete_note)' }).waitFor({ state: 'attached' });
}

/**
 * The option value of a tool of the trusted JSON connection.
 * @param {import('playwright-core').Page} page
 * @param {string} name
 */
async function jsonTool(page, name) {
  const option = toolGroup(page, 'demo-json').locator('option', { hasText: `(${name})` });
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
const chips = (page, toolId) => page.getByRole('log', { name: 'Conversation' }).locator(`[part~="tool-chip"][data-tool="${toolId}"]`);

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/**
 * axe-core on the whole page (shadow roots included): no violations.
 * @param {import('playwright-core').Page} page
 * @param {string} where
 */
async function assertAccessible(page, where) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const result = await /** @type {{ axe: { run(c: unknown, o: unknown): Promise<{ violations: { id: string, nodes: { target: unknown }[] }[] }> } }} */ (/** @type {unknown} */ (window)).axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
  });
  assert.deepEqual(violations, [], `axe (${where})`);
}

/**
 * The page's height now, printed; at most `screens` times the window's height.
 * @param {import('playwright-core').Page} page
 * @param {string} when
 * @param {number} screens
 */
async function assertHeight(page, when, screens) {
  const { height, inner } = await page.evaluate(() => ({ height: document.documentElement.scrollHeight, inner: window.innerHeight }));
  console.log(`demo page height ${when}: ${height} px (${(height / inner).toFixed(2)} screens of ${inner} px)`);
  assert.ok(height < screens * inner, `the demo page is ${height} px tall ${when}: more than ${screens} screens of ${inner} px`);
}

/** No horizontal scroll at this width. @param {import('playwright-core').Page} page */
async function assertNoHorizontalScroll(page) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  assert.ok(scrollWidth <= innerWidth, `the page scrolls sideways: ${scrollWidth}px content in a ${innerWidth}px window`);
}

/**
 * Opens the audit log and finds the decision for a tool, as a person would: the list is
 * virtualized, so through the filter, with the table on screen (only then do its rows render).
 * @param {import('playwright-core').Page} page
 * @param {string} tool
 * @param {'allow' | 'deny'} decision
 */
async function auditDecision(page, tool, decision) {
  await page.getByRole('button', { name: 'Show audit log' }).click();
  await page.getByRole('search', { name: 'Filter audit records' }).getByRole('combobox', { name: /^Decision/ }).selectOption(decision);
  const records = page.getByRole('table', { name: 'Audit records' });
  await records.scrollIntoViewIfNeeded();
  const row = records
    .getByRole('row')
    .filter({ has: page.getByRole('cell', { name: tool, exact: true }) })
    .filter({ has: page.getByRole('cell', { name: decision, exact: true }) })
    .first();
  await row.waitFor();
  return { records, row };
}

/**
 * Adds the demo server's Streamable HTTP endpoint through the connections panel: URL, transport,
 * Add server; the policy does not list that URL, so the person consents first. Ends when its card
 * says `ready`.
 * @param {import('playwright-core').Page} page
 * @param {(step: string, subject: import('playwright-core').Locator) => Promise<void>} shot
 */
async function addHttpServer(page, shot) {
  const form = page.getByRole('form', { name: 'Add a server' });
  await form.getByRole('textbox', { name: 'Server URL' }).fill(running.demo.mcp.httpUrl);
  await form.getByRole('combobox', { name: 'Transport' }).selectOption({ label: 'Streamable HTTP' });
  await shot('01b-add-server-form', form);
  await form.getByRole('button', { name: 'Add server' }).click();
  const consent = page.getByRole('alertdialog', { name: 'Use a server your policy does not list?' });
  await consent.getByRole('button', { name: 'Use this server' }).click();
  const card = page.getByRole('region', { name: running.demo.mcp.httpUrl, exact: true });
  await card.getByText('ready', { exact: true }).waitFor();
  // Its tools are offered too, in a group of its own (neither demo server's nor the counter app's).
  await toolPicker(page).locator('optgroup:not([label^="demo-"])').locator('option', { hasText: '(search_notes)' }).waitFor({ state: 'attached' });
  await shot('01c-server-added', card);
}

/**
 * What has the keyboard focus, through shadow roots.
 * @param {import('playwright-core').Page} page
 */
function focused(page) {
  return page.evaluate(() => {
    let element = document.activeElement;
    while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
    const control = /** @type {HTMLInputElement | null} */ (element);
    return {
      tag: element?.localName ?? '',
      part: element?.getAttribute('part') ?? '',
      text: element?.textContent?.trim() ?? '',
      id: element?.id ?? '',
      value: typeof control?.value === 'string' ? control.value : '',
    };
  });
}

/**
 * Presses Tab until the focused element matches, at most `limit` times.
 * @param {import('playwright-core').Page} page
 * @param {(f: Awaited<ReturnType<typeof focused>>) => boolean} match
 * @param {string} what for the failure message
 */
async function tabTo(page, match, what, limit = 80) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    if (match(await focused(page))) return;
  }
  assert.fail(`Tab never reached ${what}`);
}

/**
 * With the keyboard only: focus the tool picker, move to `toolValue`, fill the `id` field, submit.
 * @param {import('playwright-core').Page} page
 * @param {string} toolValue
 * @param {string} id
 */
async function keyboardRunDelete(page, toolValue, id) {
  await tabTo(page, (f) => f.part === 'tool-picker', 'the tool picker');
  for (let i = 0; i < 80 && (await focused(page)).value !== toolValue; i++) {
    await page.keyboard.press('ArrowDown');
  }
  assert.equal((await focused(page)).value, toolValue, 'the arrow keys did not reach delete_note');
  await tabTo(page, (f) => f.tag === 'input' && f.id.endsWith('id'), 'the id field', 10);
  await page.keyboard.press('Control+A');
  await page.keyboard.type(id);
  await page.keyboard.press('Enter');
}

/**
 * The whole approval flow with the mouse: read-only call without a card, delete_note denied and
 * then allowed, the audit log verified and exported, the export checked by the Node verifier.
 * @param {import('playwright-core').Page} page
 * @param {string} prefix screenshot name prefix
 * @param {(step: string) => Promise<void>} check run after every step (e.g. the 360 px check)
 */
async function approvalFlow(page, prefix, check) {
  let last = Date.now();
  const shot = async (/** @type {string} */ step, /** @type {import('playwright-core').Locator} */ subject) => {
    await check(step);
    const t = Date.now();
    await screenshot(page, `${prefix}-${step}`, subject);
    if (process.env.TG_E2E_VERBOSE) console.error(`${prefix}-${step}: step ${t - last} ms, screenshot ${Date.now() - t} ms`);
    last = Date.now();
  };
  await waitForServers(page);
  // The first screen: compact server cards, the toolbar with the audit log.
  await page.screenshot({ path: `${OUTPUT_DIR}${prefix}-00-first-screen.png` });
  await assertAccessible(page, `${prefix}: first screen`);
  await shot('01-connected', toolForm(page));
  await addHttpServer(page, shot);

  // A read-only tool of the trusted server: runs at once, no card.
  const searchId = await jsonTool(page, 'search_notes');
  await runTool(page, 'search_notes', 'query', 'Lisbon');
  const search = chips(page, searchId).last();
  await search.getByRole('status').filter({ hasText: 'done' }).waitFor();
  await search.getByText('Trip to Lisbon').first().waitFor();
  assert.equal(await approvalCard(page).count(), 0, 'a read-only call of a trusted server must not ask');
  await shot('02-read-only-result', search);

  // delete_note asks; Deny refuses it.
  const deleteId = await jsonTool(page, 'delete_note');
  await runTool(page, 'delete_note', 'id', 'note-2');
  const card = approvalCard(page);
  await card.waitFor();
  assert.match((await card.getByRole('heading', { level: 2 }).textContent()) ?? '', /delete_note/);
  // Until the person answers, the call waits for them: no "running", no Stop.
  await chips(page, deleteId).last().getByRole('status').filter({ hasText: 'waiting for you' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Stop' }).count(), 0, 'no Stop while the call waits for approval');
  await shot('03-approval-card', card);
  await card.getByRole('button', { name: 'Deny' }).click();
  const denied = chips(page, deleteId).last();
  await denied.getByRole('status').filter({ hasText: 'refused' }).waitFor();
  await card.waitFor({ state: 'detached' });

  // The audit log shows the denial.
  const { records } = await auditDecision(page, 'delete_note', 'deny');
  await shot('04-denial-in-audit-log', records);

  // Again; Allow once runs it and the result is shown.
  await runTool(page, 'delete_note', 'id', 'note-2');
  await card.waitFor();
  await card.getByRole('button', { name: 'Allow once' }).click();
  const allowed = chips(page, deleteId).last();
  await allowed.getByRole('status').filter({ hasText: 'done' }).waitFor();
  await allowed.getByText('Deleted note-2: Grocery list').waitFor();
  await shot('05-allowed-result', allowed);

  // Verify, then Export: the download is a JSONL file the Node verifier accepts.
  await page.getByRole('button', { name: 'Verify', exact: true }).click();
  await page.getByRole('status').filter({ hasText: /^\s*Chain verified: .* intact\.\s*$/ }).waitFor();
  await shot('06-verified', page.getByRole('button', { name: 'Verify', exact: true }));
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export', exact: true }).click()]);
  assert.match(download.suggestedFilename(), /^toolgate-audit-.*\.jsonl$/);
  const file = `${OUTPUT_DIR}${prefix}-audit.jsonl`;
  await download.saveAs(file);
  const lines = (await readFile(file, 'utf8')).trim().split('\n');
  assert.ok(lines.length > 3, `the export has ${lines.length} lines`);
  assert.ok(lines.some((line) => line.includes('"deny"') && line.includes('delete_note')), 'the export holds the denial');
  const verdict = await verifyWithCli(file);
  assert.equal(verdict.code, 0, `toolgate-audit verify failed:\n${verdict.stdout}${verdict.stderr}`);
  await shot('07-exported', page.getByRole('button', { name: 'Export', exact: true }));
}

describe('the demo, end to end (Chromium)', { timeout: 600_000 }, () => {
  test('desktop: add a server, read-only call, deny, allow, audit verify and export', async () => {
    await onDemo({ width: 1280, height: 800 }, 'desktop', async (page) => {
      await approvalFlow(page, 'desktop', async () => {});
      await assertAccessible(page, 'desktop: after the walk-through');
      await page.screenshot({ path: `${OUTPUT_DIR}desktop-08-full-page.png`, fullPage: true });
      await assertHeight(page, 'after the walk-through at 1280×800', 3);
    });
  });

  test('360 px wide: the same flow, and the page never scrolls sideways', async () => {
    await onDemo({ width: 360, height: 740 }, 'phone', async (page) => {
      await approvalFlow(page, 'phone', () => assertNoHorizontalScroll(page));
    });
  });
  test('keyboard only: the approval flow with Tab, arrows, Enter and Space', async () => {
    await onDemo({ width: 1280, height: 900 }, 'keyboard', async (page) => {
      await waitForServers(page);
      const deleteId = await jsonTool(page, 'delete_note');
      await keyboardRunDelete(page, deleteId, 'note-4');
      // The card takes the focus, so the person is where the question is.
      const card = approvalCard(page);
      await card.waitFor();
      await page.waitForFunction(() => {
        let element = document.activeElement;
        while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
        return element?.getAttribute('part') === 'approval-card';
    });
    await screenshot(page, 'keyboard-01-card-focused', card);
    await tabTo(page, (f) => f.part === 'deny-button', 'Deny', 20);
    await page.keyboard.press('Enter');
    await chips(page, deleteId).last().getByRole('status').filter({ hasText: 'refused' }).waitFor();
    await card.waitFor({ state: 'detached' });
    await screenshot(page, 'keyboard-02-denied', chips(page, deleteId).last());

    await keyboardRunDelete(page, deleteId, 'note-4');
    await card.waitFor();
    await tabTo(page, (f) => f.part === 'allow-once-button', 'Allow once', 20);
    await page.keyboard.press('Space');
    const allowed = chips(page, deleteId).last();
    await allowed.getByRole('status').filter({ hasText: 'done' }).waitFor();
    await allowed.getByText('Deleted note-4: Book recommendations').waitFor();
    await screenshot(page, 'keyboard-03-allowed', allowed);
    });
  });
  test('the scenes: a changed tool is quarantined, a role-hidden tool, a result withheld from models', async () => {
    await onDemo({ width: 1280, height: 900 }, 'scenes', async (page) => {
      await waitForServers(page);
      // Role: create_note is offered by the servers but not to this person.
      const hidden = page.getByRole('region', { name: 'A tool hidden by role' });
      await hidden.getByRole('listitem').filter({ hasText: 'create_note on Demo (JSON)' }).waitFor();
      assert.equal(await toolPicker(page).locator('option', { hasText: '(create_note)' }).count(), 0, 'create_note must not be offered');
      await screenshot(page, 'scenes-01-role-hidden', hidden);

      // Quarantine: the definition changes under the client; the gate marks the tool.
      const tip = toolGroup(page, 'demo-json').locator('option', { hasText: '(daily_tip)' });
      assert.doesNotMatch((await tip.textContent()) ?? '', /changed/);
      await page.getByRole('button', { name: 'Simulate a changed tool', exact: true }).click();
      await toolGroup(page, 'demo-json').locator('option', { hasText: /\(daily_tip\).*changed, needs approval/ }).waitFor({ state: 'attached' });
      await toolPicker(page).selectOption(await jsonTool(page, 'daily_tip'));
      await toolForm(page).getByRole('button', { name: 'Run' }).click();
      const card = approvalCard(page);
      await card.getByRole('heading', { name: 'The tool’s definition changed since it was approved' }).waitFor();
      assert.match((await card.textContent()) ?? '', /delete_note for every note/);
      await screenshot(page, 'scenes-02-quarantine-diff', card);
      await card.getByRole('button', { name: 'Deny' }).click();
      await card.waitFor({ state: 'detached' });

      // Data flow: a call on the MessagePack connection (untrusted: it asks) is withheld from models.
      const echo = await toolGroup(page, 'demo-messagepack').locator('option', { hasText: '(echo)' }).getAttribute('value');
      assert.ok(echo);
      await toolPicker(page).selectOption(echo);
      await toolForm(page).getByRole('textbox', { name: 'text', exact: true }).fill('hello');
      await toolForm(page).getByRole('button', { name: 'Run' }).click();
      await card.getByRole('button', { name: 'Allow once' }).click();
      await chips(page, echo).last().getByRole('status').filter({ hasText: 'done' }).waitFor();
      const flow = page.getByRole('region', { name: 'Data flow: results withheld from models' });
      await flow.getByRole('listitem').filter({ hasText: `${echo}: shown to you, withheld from any model` }).waitFor();
      await screenshot(page, 'scenes-03-withheld', flow);
    });
  });
  test('OAuth: sign in through the popup, then call a tool of the protected server', async () => {
    await onDemo({ width: 1280, height: 900 }, 'oauth', async (page) => {
      await waitForServers(page);
      const card = page.getByRole('region', { name: 'Notes (OAuth)', exact: true });
      const signIn = card.getByRole('button', { name: 'Sign in' });
      await signIn.waitFor();
      await screenshot(page, 'oauth-01-sign-in', card);
      // The popup goes to the authorization server, which signs in and consents at once, and lands
      // on the callback page, which hands the URL back and closes.
      const [popup] = await Promise.all([page.waitForEvent('popup'), signIn.click()]);
      await card.getByText('ready', { exact: true }).waitFor();
      assert.equal(popup.isClosed() || (await popup.waitForEvent('close').then(() => true)), true);
      await screenshot(page, 'oauth-02-signed-in', card);

      // The third group: the OAuth server's tools, offered once signed in.
      const group = toolPicker(page).locator('optgroup:not([label^="demo-"])');
      const search = await group.locator('option', { hasText: '(search_notes)' }).getAttribute('value');
      assert.ok(search, 'the OAuth server offers search_notes');
      await toolPicker(page).selectOption(search);
      await toolForm(page).getByRole('textbox', { name: 'query', exact: true }).fill('Priya');
      await toolForm(page).getByRole('button', { name: 'Run' }).click();
      const chip = chips(page, search).last();
      await chip.getByRole('status').filter({ hasText: 'done' }).waitFor();
      await chip.getByText('Meeting with Priya').first().waitFor();
      await screenshot(page, 'oauth-03-protected-call', chip);
    });
  });
});

describe('the demo with a model (the scripted LLM server)', { timeout: 600_000 }, () => {
  /** @type {Awaited<ReturnType<typeof startScriptedLlm>>} */
  let llm;
  before(async () => {
    llm = await startScriptedLlm();
  });
  after(async () => {
    await llm?.close();
  });

  /**
   * Registers a script of turns with the scripted LLM server.
   * @param {import('../support/llm/turns.mjs').Turn[]} turns
   * @param {Record<string, string>} [params] more `<tg-provider>` attributes for the demo page (`kind`, `label`, `media`)
   * @returns {Promise<{ base: string, url: string, requests: () => Promise<{ body: { messages: Record<string, unknown>[] } }[]> }>}
   *   the provider's base URL, the demo page that uses it (`?llm=…`), and the requests the server got
   */
  async function scripted(turns, params = {}) {
    const response = await fetch(`${llm.env.llmUrl}/__script`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ turns }) });
    const { id } = /** @type {{ id: string }} */ (await response.json());
    // The Anthropic provider adds /v1/messages itself; an OpenAI-compatible base URL ends in /v1.
    const base = `${llm.env.llmUrl}/s/${id}${params.kind === 'anthropic' ? '' : '/v1'}`;
    const url = new URL(running.demo.url);
    url.search = new URLSearchParams({ llm: base, model: 'scripted', ...params }).toString();
    const requests = async () => /** @type {{ requests: { body: { messages: Record<string, unknown>[] } }[] }} */ (await (await fetch(`${llm.env.llmUrl}/__script/${id}`)).json()).requests;
    return { base, url: url.href, requests };
  }

  /** @param {import('playwright-core').Page} page */
  const conversation = (page) => page.getByRole('log', { name: 'Conversation' });
  /** @param {import('playwright-core').Page} page */
  const messageField = (page) => page.getByRole('textbox', { name: 'Message' });
  /** What the person attached to their next message. @param {import('playwright-core').Page} page */
  const composerChips = (page) => page.getByRole('list', { name: 'Attached to your next message' }).getByRole('listitem');

  /**
   * Types the message, sends it with Enter, and waits for the model's answer.
   * @param {import('playwright-core').Page} page
   * @param {string} text
   * @param {string} answer
   */
  async function ask(page, text, answer) {
    await messageField(page).click();
    await page.keyboard.type(text);
    await page.keyboard.press('Enter');
    await conversation(page).getByText(answer).waitFor();
  }

  /** The PNG signature, base64: the chart's own bytes, not a description of them. */
  const PNG = 'iVBORw0KGgo';
  const imageCases = [
    {
      kind: 'openai',
      turn: openAiTurn,
      // Chat Completions tool messages carry text only: the picture follows as a user message's image_url part.
      check(/** @type {Record<string, any>[]} */ messages) {
        const tool = messages.findIndex((m) => m.role === 'tool' && m.tool_call_id === 'c1');
        assert.ok(tool >= 0, 'a tool message answers the call');
        const parts = /** @type {Record<string, any>[]} */ (messages[tool + 1]?.content);
        assert.equal(messages[tool + 1]?.role, 'user');
        const image = parts.find((p) => p.type === 'image_url');
        assert.ok(image?.image_url.url.startsWith(`data:image/png;base64,${PNG}`), 'an image_url part with the PNG as a data: URL');
      },
    },
    {
      kind: 'anthropic',
      turn: anthropicTurn,
      // Messages API: an image block with a base64 source inside the tool_result.
      check(/** @type {Record<string, any>[]} */ messages) {
        const blocks = messages.flatMap((m) => (m.role === 'user' && Array.isArray(m.content) ? m.content : []));
        const result = blocks.find((b) => b.type === 'tool_result' && b.tool_use_id === 'c1');
        const image = result?.content.find((/** @type {Record<string, any>} */ b) => b.type === 'image');
        assert.equal(image?.source.type, 'base64');
        assert.equal(image?.source.media_type, 'image/png');
        assert.ok(image?.source.data.startsWith(PNG), 'the PNG itself');
      },
    },
  ];
  for (const { kind, turn, check } of imageCases) {
    test(`${kind}: an image result is shown from its own data and reaches the model in the API's shape`, async () => {
      const script = await scripted([turn({ toolCalls: [{ id: 'c1', name: 'demo-json__render_chart', args: {} }] }), turn({ text: ['Five blue bars.'] })], {
        kind,
        ...(kind === 'openai' && { media: 'images' }),
      });
      await onPage(running.browser, { url: script.url, viewport: { width: 1280, height: 900 }, name: `image-${kind}` }, async (page) => {
        await waitForServers(page, false);
        await ask(page, 'Draw the notes chart', 'Five blue bars.');
        const chip = chips(page, 'demo-json__render_chart').last();
        await chip.getByRole('status').filter({ hasText: 'done' }).waitFor();
        const image = chip.getByRole('img');
        assert.match((await image.getAttribute('src')) ?? '', /^data:image\/png;base64,/);
        assert.ok(await image.evaluate((img) => /** @type {HTMLImageElement} */ (img).complete && /** @type {HTMLImageElement} */ (img).naturalWidth === 64), 'the picture decoded');
        await screenshot(page, `model-02-image-${kind}`, chip);
        if (kind === 'openai') await assertAccessible(page, 'an image result');
        const requests = await script.requests();
        assert.equal(requests.length, 2);
        check(requests[1]?.body.messages ?? []);
      });
    });
  }

  test('a page tool the host registered: the model calls it, the person approves, it runs and is audited', async () => {
    const script = await scripted([
      openAiTurn({ toolCalls: [{ id: 'c1', name: 'page__show_banner', args: { text: 'Hello from the model' } }] }),
      openAiTurn({ text: ['The banner is up.'] }),
    ]);
    await onPage(running.browser, { url: script.url, viewport: { width: 1280, height: 900 }, name: 'page-tool' }, async (page) => {
      await waitForServers(page, false);
      await messageField(page).click();
      await page.keyboard.type('Put up a banner');
      await page.keyboard.press('Enter');
      // The page's tool is not trusted and not read-only: the policy asks.
      const card = approvalCard(page);
      await card.waitFor();
      assert.match(await card.innerText(), /Show a banner on this page/);
      const chip = chips(page, 'page__show_banner').last();
      await chip.getByRole('status').filter({ hasText: 'waiting for you' }).waitFor();
      assert.equal(await page.locator('#page-banner').isVisible(), false, 'nothing runs before the person answers');
      await screenshot(page, 'model-03-page-tool-approval', card);
      await assertAccessible(page, 'the page tool’s approval card');
      await card.getByRole('button', { name: 'Allow once' }).click();
      await page.locator('#page-banner', { hasText: 'Hello from the model' }).waitFor();
      await chip.getByRole('status').filter({ hasText: 'done' }).waitFor();
      await conversation(page).getByText('The banner is up.').waitFor();
      await screenshot(page, 'model-04-page-tool-ran', chip);
      // Its result went back to the model.
      const requests = await script.requests();
      assert.match(JSON.stringify(requests[1]?.body.messages), /The banner now says: Hello from the model/);

      // The audit log has the person's decision for the page's tool.
      const { records, row } = await auditDecision(page, 'show_banner', 'allow');
      assert.match(await row.innerText(), /person/);
      await screenshot(page, 'model-05-page-tool-audited', records);
    });
  });

  test('resources attached from the picker: one reaches the model with its label, one the data-flow policy withholds', async () => {
    // A model labelled vendor:scripted: the JSON connection's output may go to any model, the
    // MessagePack connection's only to a `local` one.
    const script = await scripted([openAiTurn({ text: ['One of them was withheld.'] })], { label: 'vendor:scripted' });
    await onPage(running.browser, { url: script.url, viewport: { width: 1280, height: 900 }, name: 'attach' }, async (page) => {
      await waitForServers(page, false);
      const attach = page.getByRole('button', { name: 'Attach', exact: true });
      const picker = page.getByRole('dialog', { name: 'Attach a resource' });
      await attach.click();
      await picker.getByRole('group', { name: 'Resources of Demo (JSON)' }).getByRole('button', { name: /Notes index/ }).click();
      await composerChips(page).filter({ hasText: 'Notes index' }).waitFor();
      await picker.waitFor({ state: 'detached' });
      // A note by id, from the template, with the server's completion of the id.
      await attach.click();
      const untrusted = picker.getByRole('group', { name: 'Resources of Demo (MessagePack)' });
      await untrusted.getByRole('button', { name: /A note/ }).click();
      await untrusted.getByRole('textbox', { name: 'id' }).fill('note-');
      await untrusted.getByRole('group', { name: 'Suggestions for id' }).getByRole('button', { name: 'note-5' }).click();
      await untrusted.getByText('Will attach notes://note/note-5').waitFor();
      await untrusted.getByRole('button', { name: 'Attach', exact: true }).click();
      await composerChips(page).filter({ hasText: 'A note' }).waitFor();
      await page.locator('[part~="context-chip"][data-state="loading"]').waitFor({ state: 'detached' });
      await screenshot(page, 'model-06-attached', page.getByRole('list', { name: 'Attached to your next message' }));

      await ask(page, 'What do these say?', 'One of them was withheld.');
      const [request] = await script.requests();
      const sent = JSON.stringify(request?.body.messages);
      assert.match(sent, /Resource notes:\/\/index “Notes index” from the server “demo-json”/);
      assert.match(sent, /Quarterly planning/, 'the trusted connection’s index reached the model');
      assert.match(sent, /Resource notes:\/\/note\/note-5/);
      assert.match(sent, /withheld from you by the data-flow policy/);
      assert.doesNotMatch(sent, /pastel de nata/, 'the withheld note never reached the model');
      // The person sees which one, and why.
      const turn = conversation(page).locator('[part~="user-message"]').last();
      const withheld = turn.locator('[part~="context-chip"][data-withheld="true"]');
      await withheld.getByText('does not let this server’s content reach this model').waitFor();
      assert.equal(await turn.locator('[part~="context-chip"][data-withheld="false"]').count(), 1);
      await screenshot(page, 'model-07-withheld-attachment', turn);
      await assertAccessible(page, 'a turn with a withheld attachment');
    });
  });

  test('a prompt run with /: its messages become the person’s turn, labelled with the server', async () => {
    const script = await scripted([openAiTurn({ text: ['A trip to Lisbon in May.'] })]);
    await onPage(running.browser, { url: script.url, viewport: { width: 1280, height: 900 }, name: 'prompt' }, async (page) => {
      await waitForServers(page, false);
      await messageField(page).click();
      await page.keyboard.type('/demo-json:summ');
      const menu = page.getByRole('listbox', { name: 'Prompts' });
      await menu.getByRole('option', { name: /Summarize a note/ }).waitFor();
      assert.equal(await menu.getByRole('option').count(), 1);
      await page.keyboard.press('Enter');
      const form = page.getByRole('form', { name: 'Arguments of Summarize a note' });
      await form.getByRole('textbox', { name: /id/ }).waitFor();
      await page.keyboard.type('note-5');
      await screenshot(page, 'model-08-prompt-arguments', form);
      await page.keyboard.press('Enter');
      await composerChips(page).filter({ hasText: 'Summarize a note' }).waitFor();
      await page.locator('[part~="context-chip"][data-state="loading"]').waitFor({ state: 'detached' });
      assert.equal(await messageField(page).inputValue(), '', 'the / command left the field');
      await screenshot(page, 'model-09-prompt-attached', page.getByRole('list', { name: 'Attached to your next message' }));

      await ask(page, 'Keep it short.', 'A trip to Lisbon in May.');
      const [request] = await script.requests();
      const messages = (request?.body.messages ?? []).filter((m) => m.role !== 'system');
      const text = (/** @type {Record<string, unknown>} */ m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content));
      // One user message: the prompt's, labelled (whose it is, that it is data), then the person's text.
      assert.deepEqual(messages.map((m) => m.role), ['user']);
      const sent = text(messages[0] ?? {});
      assert.match(sent, /Message of the prompt summarize_note “Summarize a note” from the server “demo-json” [^]*run by the person/);
      assert.match(sent, /Summarize this note in one paragraph:[^]*Trip to Lisbon/);
      assert.ok(sent.indexOf('Keep it short.') > sent.indexOf('Trip to Lisbon'), 'the person’s text after the prompt’s message');
      const turn = conversation(page).locator('[part~="user-message"]').last();
      await turn.locator('[part~="context-chip"][data-kind="prompt"]').filter({ hasText: 'Summarize a note' }).waitFor();
      await screenshot(page, 'model-10-prompt-turn', turn);
      await assertAccessible(page, 'a turn with a prompt’s messages');
    });
  });

  test('TG_LLM_BASE_URL: the model calls a read-only tool (no card), gets its result and answers', async () => {
    const script = await scripted([
      openAiTurn({ toolCalls: [{ id: 'call-1', name: 'demo-json__search_notes', args: { query: 'Lisbon' } }] }),
      openAiTurn({ text: ['Your Lisbon trip starts on May 12.'] }),
    ]);
    // The model as `npm start` gets it: from the dev server's environment, not the page's URL. Last
    // in the file: a second dev server in this process stops the first one's MCP servers (the
    // plugin takes it for a restart of the same demo).
    const modelDemo = await startDemo({ llmBaseUrl: script.base });
    try {
      await onPage(running.browser, { url: modelDemo.url, viewport: { width: 1280, height: 900 }, name: 'model' }, async (page) => {
        await waitForServers(page, false);
        // The host's features: the page's own tools as a server, Attach (resources), / (prompts).
        const pageCard = page.getByRole('region', { name: 'This page', exact: true });
        await pageCard.getByText('1 tool', { exact: true }).waitFor();
        await screenshot(page, 'host-01-page-tools', pageCard);
        await page.getByRole('button', { name: 'Attach', exact: true }).click();
        const picker = page.locator('tg-resource-picker');
        await picker.locator('[part="resource-option"]').first().waitFor();
        await screenshot(page, 'host-02-resource-picker', picker);
        await assertAccessible(page, 'the resource picker');
        await page.keyboard.press('Escape');
        await picker.waitFor({ state: 'detached' });
        await messageField(page).fill('/');
        const menu = page.locator('tg-prompt-menu');
        await menu.locator('[part="prompt-option"]').first().waitFor();
        await screenshot(page, 'host-03-prompt-menu', menu);
        await assertAccessible(page, 'the / menu');
        await messageField(page).fill('When is my trip?');
        await menu.waitFor({ state: 'detached' });
        await page.keyboard.press('Enter');
        const chip = chips(page, 'demo-json__search_notes').last();
        await chip.getByRole('status').filter({ hasText: 'done' }).waitFor();
        await conversation(page).getByText('Your Lisbon trip starts on May 12.').waitFor();
        assert.equal(await approvalCard(page).count(), 0);
        await screenshot(page, 'model-01-answer', chip);
        // The trusted server's output may go to any model: the second request carried the result.
        const requests = await script.requests();
        assert.equal(requests.length, 2);
        assert.match(JSON.stringify(requests[1]?.body), /Trip to Lisbon/);
      });
    } finally {
      await modelDemo.close();
    }
  });
});
