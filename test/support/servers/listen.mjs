// @ts-check
/** How every test server starts and stops: a free port on loopback, and a close that does not wait. */

/**
 * Listens on a free port of 127.0.0.1 (tests never bind anything wider).
 * @param {import('node:http').Server} server
 * @returns {Promise<{ origin: string, port: number, close: () => Promise<void> }>} `origin` is
 *   `http://127.0.0.1:<port>`; `close` cuts open (keep-alive, SSE) sockets first, so it resolves
 *   at once instead of when the last client lets go.
 */
export async function listenOnLoopback(server) {
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('test server has no port');
  return {
    origin: `http://127.0.0.1:${address.port}`,
    port: address.port,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}
