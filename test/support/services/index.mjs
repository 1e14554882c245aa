// @ts-check
/**
 * The servers browser tests need, started once by the test runner. Each module in this folder
 * exports `start()` → `{ env, close }`; every `env` is merged into `window.__TG_TEST_ENV__`.
 * Add a service by adding a file here (keep keys distinct).
 */
import { readdir } from 'node:fs/promises';

/** @typedef {{ env: Record<string, string>, close: () => Promise<void> }} TestService */

/** @returns {Promise<{ env: Record<string, string>, close: () => Promise<void> }>} */
export async function startTestServices() {
  const dir = new URL('./', import.meta.url);
  const files = (await readdir(dir)).filter((f) => f.endsWith('.mjs') && f !== 'index.mjs').sort();
  /** @type {TestService[]} */
  const services = [];
  try {
    for (const file of files) {
      const mod = /** @type {{ start: () => Promise<TestService> }} */ (await import(new URL(file, dir).href));
      services.push(await mod.start());
    }
  } catch (err) {
    await Promise.allSettled(services.map((s) => s.close()));
    throw err;
  }
  return {
    env: Object.assign({}, ...services.map((s) => s.env)),
    close: async () => void (await Promise.allSettled(services.map((s) => s.close()))),
  };
}
