// @ts-check
/**
 * A real OAuth authorization server (oidc-provider, demo/server/oauth/authorization-server.mjs) and
 * the demo MCP server protected by it (Streamable HTTP and WebSocket on one port), both with test hooks:
 * the AS's `/__test/*` (issued tokens, revocations, settings) and the MCP server's `/__test/auth/*`.
 */
import { startAuthorizationServer } from '../../../demo/server/oauth/authorization-server.mjs';
import { startDemoServer } from '../../../demo/server/server.mjs';

/** @returns {Promise<import('./index.mjs').TestService>} */
export async function start() {
  const as = await startAuthorizationServer({ testHooks: true });
  const demo = await startDemoServer({ testHooks: true, oauth: { issuer: as.issuer } }).catch(async (err) => {
    await as.close();
    throw err;
  });
  as.addResource(demo.httpUrl);
  return {
    env: {
      oidcIssuer: as.issuer,
      protectedHttpUrl: demo.httpUrl,
      protectedWsUrl: demo.wsUrl,
      protectedOrigin: new URL(demo.httpUrl).origin,
    },
    close: async () => void (await Promise.allSettled([demo.close(), as.close()])),
  };
}
