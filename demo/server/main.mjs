// @ts-check
/**
 * `node demo/server/main.mjs`: the demo MCP server on 127.0.0.1, port `PORT` (default 8787).
 * `TG_TEST_HOOKS=1` turns on the `/__test/*` endpoints.
 */
import { startDemoServer } from './server.mjs';

const port = Number(process.env.PORT ?? 8787);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be an integer 0..65535, got ${process.env.PORT}`);
  process.exit(2);
}

const demo = await startDemoServer({
  port,
  testHooks: process.env.TG_TEST_HOOKS === '1',
  onError: (error, { tag }) => console.error(`[mcp${tag ? ` ${tag}` : ''}] ${error.message}`),
});
console.log(`Toolgate demo MCP server\n  WebSocket:       ${demo.wsUrl}\n  Streamable HTTP: ${demo.httpUrl}`);

let closing = false;
/** @param {NodeJS.Signals} signal */
async function shutdown(signal) {
  if (closing) return;
  closing = true;
  console.log(`${signal}: closing`);
  await demo.close();
  process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
