// @ts-check
/**
 * A real OAuth authorization server (oidc-provider, demo/server/oauth/authorization-server.mjs) and
 * the demo MCP server protected by it (Streamable HTTP and WebSocket on one port), both with test hooks,
 * and the SDK's legacy HTTP+SSE server protected by it (test/support/servers/sdk-servers.mjs):
 * the AS's `/__test/*` (issued tokens, revocations, settings) and the MCP server's `/__test/auth/*`.
 *
 * One pair per browser (keys suffixed `Firefox` for Firefox): the browsers run at the same time, and
 * the tests change the AS's settings and count what the servers saw, so they must not share them.
 */
import { startAuthorizationServer } from '../../../demo/server/oauth/authorization-server.mjs';
import { startDemoServer } from '../../../demo/server/server.mjs';
import { startProtectedLegacySse } from '../servers/sdk-servers.mjs';

async function startPair() {
  const as = await startAuthorizationServer({ testHooks: true });
  const demo = await startDemoServer({ testHooks: true, oauth: { issuer: as.issuer } }).catch(async (err) => {
    await as.close();
    throw err;
  });
  const legacy = await startProtectedLegacySse({ issuer: as.issuer }).catch(async (err) => {
    await Promise.allSettled([demo.close(), as.close()]);
    throw err;
  });
  as.addResource(demo.httpUrl);
  as.addResource(legacy.url);
  return {
    env: {
      oidcIssuer: as.issuer,
      protectedHttpUrl: demo.httpUrl,
      protectedWsUrl: demo.wsUrl,
      protectedOrigin: new URL(demo.httpUrl).origin,
      protectedLegacySseUrl: legacy.url,
    },
    close: async () => void (await Promise.allSettled([demo.close(), legacy.close(), as.close()])),
  };
}

/** @returns {Promise<import('./index.mjs').TestService>} */
export async function start() {
  const chromium = await startPair();
  const firefox = await startPair().catch(async (err) => {
    await chromium.close();
    throw err;
  });
  return {
    env: { ...chromium.env, ...Object.fromEntries(Object.entries(firefox.env).map(([k, v]) => [`${k}Firefox`, v])) },
    close: async () => void (await Promise.allSettled([chromium.close(), firefox.close()])),
  };
}
