// @ts-check
/** The scripted DPoP authorization server + MCP server (test/support/servers/dpop-scripted.mjs). */
import { startDPoPServer } from '../servers/dpop-scripted.mjs';

/** @returns {Promise<import('./index.mjs').TestService>} */
export async function start() {
  const server = await startDPoPServer();
  return { env: { dpopOrigin: server.origin }, close: server.close };
}
