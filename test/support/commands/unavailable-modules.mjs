// @ts-check
/**
 * Makes the dev server answer 503 for a module, as a deploy that lost a chunk or a network that drops
 * it would, so a test can check what a page does when a module it loads on first use cannot load.
 * The test page names the modules in a cookie (test/elements/agent/agent-lazy-cards.test.ts):
 *
 *   tg-unavailable-modules=src/elements/approval/tg-approval   (comma-separated; deleted → all served again)
 *
 * A cookie, not a server command, because a cookie belongs to one browser instance: the other browsers
 * of the same run (Chromium and Firefox run at once) keep getting the module. A module is named by its
 * path from the repository root without extension (`.js` or `.ts` both match).
 *
 * A middleware, not a plugin's serve(): the dev server answers a module it transformed before from
 * its transform cache, ahead of the plugins, so after any page had loaded the module a plugin never
 * saw the request; the configured middleware runs before that cache.
 */

const unavailableModulesCookie = 'tg-unavailable-modules';

/** @returns {import('koa').Middleware} */
export function unavailableModulesMiddleware() {
  return (context, next) => {
    const named = context.cookies.get(unavailableModulesCookie);
    if (named) {
      const path = context.path.replace(/^\//, '').replace(/\.(js|ts)$/, '');
      if (decodeURIComponent(named).split(',').includes(path)) {
        context.status = 503;
        context.body = 'module unavailable (test)';
        return undefined;
      }
    }
    return next();
  };
}
