// @ts-check
/**
 * MCP Apps: the app servers (test/support/servers/app-servers.mjs) and the sandbox proxy on its own
 * origin. The test page runs on localhost; everything here is on 127.0.0.1 — another host.
 */
import { startAppServers } from '../servers/app-servers.mjs';
import { startSandboxHost } from '../../../demo/server/sandbox-host.mjs';

/** @returns {Promise<import('./index.mjs').TestService>} */
export async function start() {
  const apps = await startAppServers();
  const sandbox = await startSandboxHost({ frameAncestors: 'http://localhost:* http://127.0.0.1:*' }).catch(async (err) => {
    await apps.close();
    throw err;
  });
  return {
    env: {
      appsSandboxUrl: sandbox.url,
      appsOrigin: apps.origin,
      appsLeakOrigin: apps.leakOrigin,
    },
    close: async () => void (await Promise.allSettled([apps.close(), sandbox.close()])),
  };
}
