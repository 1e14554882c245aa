// @ts-check
/**
 * A test-runner command that sets the page origin's storage quota through the Chrome DevTools
 * Protocol (`Storage.overrideQuotaForOrigin`), so a test can make IndexedDB writes fail with a real
 * QuotaExceededError and then give the space back. Chromium only (Playwright); other browsers answer
 * `{ supported: false }` — Firefox's tests run with a small quota set at launch instead
 * (web-test-runner.config.mjs).
 *
 *   executeServerCommand('storage-quota', { origin, quotaBytes })   // quotaBytes: null → the default quota
 *
 * The override lasts as long as the DevTools session that set it, so the session is kept until the
 * quota is given back.
 */

/** @type {Map<string, { detach(): Promise<void> }>} */
const overrides = new Map();

/** @returns {import('@web/test-runner').TestRunnerPlugin} */
export function storageQuotaPlugin() {
  return {
    name: 'toolgate-storage-quota',
    async executeCommand({ command, payload, session }) {
      if (command !== 'storage-quota') return undefined;
      const { origin, quotaBytes } = /** @type {{ origin: string, quotaBytes: number | null }} */ (payload);
      const launcher = /** @type {{ type?: string, getPage?: (id: string) => any }} */ (session.browser);
      if (launcher.type !== 'playwright' || typeof launcher.getPage !== 'function') return { supported: false };
      await overrides.get(session.id)?.detach(); // ending the session drops its override
      overrides.delete(session.id);
      if (quotaBytes === null) return { supported: true };
      const page = launcher.getPage(session.id);
      const cdp = await page.context().newCDPSession(page);
      // A quotaSize of 0 counts as "none given" (the default quota): the smallest quota is 1 byte.
      await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: Math.max(1, quotaBytes) });
      overrides.set(session.id, cdp);
      return { supported: true };
    },
  };
}
