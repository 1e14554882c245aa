// @ts-check
/**
 * A test-runner command that makes the dev server answer 503 for a module, as a deploy that lost a
 * chunk or a network that drops it would, so a test can check what a page does when a module it
 * loads on first use cannot load:
 *
 *   executeServerCommand('unavailable-modules', { modules: ['src/elements/approval/tg-approval'] })  // [] → all served again
 *
 * A module is named by its path from the repository root without extension (`.js` or `.ts` both match).
 */

/** @type {Set<string>} */
let unavailable = new Set();

/** @returns {import('@web/test-runner').TestRunnerPlugin} */
export function unavailableModulesPlugin() {
  return {
    name: 'toolgate-unavailable-modules',
    serve(context) {
      const path = context.path.replace(/^\//, '').replace(/\.(js|ts)$/, '');
      if (unavailable.has(path)) context.throw(503, 'module unavailable (test)');
      return undefined;
    },
    async executeCommand({ command, payload }) {
      if (command !== 'unavailable-modules') return undefined;
      unavailable = new Set(/** @type {{ modules: string[] }} */ (payload).modules);
      return { unavailable: [...unavailable] };
    },
  };
}
