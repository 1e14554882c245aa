// @ts-check
/**
 * Real MCP servers of every transport and era the client meets (test/support/servers/): the official
 * SDK over Streamable HTTP (JSON-response and SSE mode), its legacy HTTP+SSE server, the reference
 * `server-everything` when installed, a 2026-07-28 stateless server, and a server that misbehaves on purpose.
 */
import { startMisbehavingServer } from '../servers/misbehaving.mjs';
import { startSdkServers } from '../servers/sdk-servers.mjs';
import { startStatelessServer } from '../servers/stateless-2026.mjs';

/** @returns {Promise<import('./index.mjs').TestService>} */
export async function start() {
  const sdk = await startSdkServers();
  const bad = await startMisbehavingServer().catch(async (err) => {
    await sdk.close();
    throw err;
  });
  const stateless = await startStatelessServer().catch(async (err) => {
    await Promise.allSettled([sdk.close(), bad.close()]);
    throw err;
  });
  return {
    env: {
      sdkJsonUrl: sdk.urls.json,
      sdkSseUrl: sdk.urls.sse,
      sdkLegacySseUrl: sdk.urls.legacySse,
      ...(sdk.urls.everything && { everythingUrl: sdk.urls.everything }),
      badOrigin: bad.origin,
      statelessUrl: stateless.url,
    },
    close: async () => void (await Promise.allSettled([sdk.close(), bad.close(), stateless.close()])),
  };
}
