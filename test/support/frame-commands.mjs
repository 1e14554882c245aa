// @ts-check
/**
 * A test-runner command that reaches INTO an MCP App view: the view runs in a frame on another origin
 * (inside the sandbox proxy's frame), where a test page's script cannot go. The command runs in the
 * test runner (Node) and uses the browser driver's frame access (Playwright for Chromium, Puppeteer
 * over WebDriver BiDi for Firefox):
 *
 *   executeServerCommand('app-frame', { view, action: 'text' | 'click' | 'reload', selector })
 *
 * `view` is a CSS selector only the wanted view's document matches (e.g. `[data-view=counter]`). Resolves `{ value }`: `null` while no such
 * frame exists (a bare `null` would read as "command not handled" to the runner).
 */

/**
 * @param {{ frames(): Array<{ evaluate: Function }> }} page
 * @param {string} view
 */
async function findFrame(page, view) {
  for (const frame of page.frames()) {
    try {
      if (await frame.evaluate((/** @type {string} */ v) => document.querySelector(v) !== null, view)) return frame;
    } catch {
      /* detached or not yet loaded */
    }
  }
  return undefined;
}

export const frameCommandsPlugin = {
  name: 'toolgate-frame-commands',
  /** @param {{ command: string, payload: any, session: any }} args */
  async executeCommand({ command, payload, session }) {
    if (command !== 'app-frame') return undefined;
    const page = session.browser.getPage(session.id);
    const frame = await findFrame(page, payload.view);
    if (!frame) return { value: null };
    if (payload.action === 'reload') {
      await frame.evaluate(() => location.reload());
      return { value: true };
    }
    if (payload.action === 'click') {
      const value = await frame.evaluate((/** @type {string} */ s) => {
        const el = document.querySelector(s);
        if (!(el instanceof HTMLElement)) return false;
        el.click();
        return true;
      }, payload.selector);
      return { value };
    }
    return { value: await frame.evaluate((/** @type {string} */ s) => document.querySelector(s)?.textContent ?? null, payload.selector) };
  },
};
