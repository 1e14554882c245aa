// @ts-check
/** The demo MCP server with its test hooks: WebSocket and Streamable HTTP on one port. */
import { startDemoServer } from '../../../demo/server/server.mjs';

/** @returns {Promise<import('./index.mjs').TestService>} */
export async function start() {
  const demo = await startDemoServer({ testHooks: true });
  return {
    env: { wsUrl: demo.wsUrl, httpUrl: demo.httpUrl, serverOrigin: new URL(demo.httpUrl).origin },
    close: () => demo.close(),
  };
}
