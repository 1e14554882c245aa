// @ts-check
/**
 * Serves the MCP Apps sandbox proxy (public/mcp-app-sandbox.html and .js) the way the README tells
 * hosts to: from its own origin, with `frame-ancestors` naming the pages that may embed it, `nosniff`,
 * and nothing else that would narrow (or widen) what a view's own CSP allows. Used by the browser
 * tests (on 127.0.0.1, while the test page is on localhost: another host) and by the demo.
 */
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';

const FILES = /** @type {const} */ ({
  '/mcp-app-sandbox.html': 'text/html; charset=utf-8',
  '/mcp-app-sandbox.js': 'text/javascript; charset=utf-8',
});

/**
 * The headers the sandbox proxy page needs (see README, "MCP Apps").
 * @param {string} frameAncestors space-separated origins (patterns) of the pages that embed views
 */
export function sandboxHeaders(frameAncestors) {
  return {
    'content-security-policy': `frame-ancestors ${frameAncestors}`,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-cache',
    'referrer-policy': 'no-referrer',
  };
}

/**
 * @param {{ host?: string, port?: number, frameAncestors: string, publicDir?: URL }} options
 * @returns {Promise<{ origin: string, url: string, close: () => Promise<void> }>}
 */
export async function startSandboxHost({ host = '127.0.0.1', port = 0, frameAncestors, publicDir = new URL('../../public/', import.meta.url) }) {
  const headers = sandboxHeaders(frameAncestors);
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const type = FILES[/** @type {keyof typeof FILES} */ (path)];
    if (req.method !== 'GET' || !type) return void res.writeHead(404).end();
    try {
      const body = await readFile(new URL(`.${path}`, publicDir));
      res.writeHead(200, { 'content-type': type, ...headers }).end(body);
    } catch {
      res.writeHead(500).end();
    }
  });
  await new Promise((resolve) => server.listen(port, host, () => resolve(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  const origin = `http://${host}:${address.port}`;
  return {
    origin,
    url: `${origin}/mcp-app-sandbox.html`,
    close: () => new Promise((resolve) => {
      server.close(() => resolve(undefined));
      server.closeAllConnections?.();
    }),
  };
}
