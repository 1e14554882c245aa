// @ts-check
/**
 * End to end, the MCP Apps scene of the demo: `npm start`'s app server and the sandbox proxy on a
 * second origin (localhost; the page is on 127.0.0.1). Run the counter, see its view, press its
 * button: the approval card names the view, the call's result reaches the view. Screenshots go to
 * test-output/e2e/.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WAIT_MS, onPage, screenshot, useDemo } from './harness.mjs';

const running = useDemo();

/**
 * The frame of the counter view (inside the sandbox proxy's frame), once it exists.
 * @param {import('playwright-core').Page} page
 */
async function counterFrame(page) {
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if (await frame.locator('[data-view=counter]').count().catch(() => 0)) return frame;
    }
    await page.waitForTimeout(200);
  }
  throw new Error('no counter view frame');
}

test('the demo app: view on another host, its call through the gate with an approval card', async () => {
  await onPage(running.browser, { url: running.demo.url, viewport: { width: 1200, height: 900 }, name: 'apps' }, async (page) => {
    await page.waitForFunction(() => {
      const agent = /** @type {any} */ (document.querySelector('tg-agent'));
      return agent?.gate?.tools({ kind: 'person' }).some((/** @type {any} */ t) => t.tool.name === 'show_counter');
    });
    await page.evaluate(async () => {
      const agent = /** @type {any} */ (document.querySelector('tg-agent'));
      const tool = agent.gate.tools({ kind: 'person' }).find((/** @type {any} */ t) => t.tool.name === 'show_counter');
      await agent.runTool(tool.id, { start: 7 });
    });
    const view = await counterFrame(page);
    await view.locator('#result', { hasText: '{"count":7}' }).waitFor();
    const outer = page.locator('tg-app-view iframe');
    const sandbox = new URL(/** @type {string} */ (await outer.getAttribute('src')));
    assert.equal(sandbox.hostname, 'localhost');
    assert.notEqual(sandbox.hostname, new URL(page.url()).hostname);
    await screenshot(page, 'apps-1-view', page.locator('tg-app-view'));

    await view.locator('#increment').click();
    const card = page.getByRole('alertdialog');
    await card.waitFor();
    assert.match(await card.innerText(), /requested by the view of show_counter/);
    await screenshot(page, 'apps-2-approval', card);
    await card.getByRole('button', { name: 'Allow once' }).click();
    await view.locator('#call', { hasText: 'ok {"count":9}' }).waitFor();
    await screenshot(page, 'apps-3-result', page.locator('tg-app-view'));
  });
});
