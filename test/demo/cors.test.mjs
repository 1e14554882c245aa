// @ts-check
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startDemoServer } from '../../demo/server/server.mjs';

/**
 * A browser's CORS preflight for a POST to `url` asking for `requestHeaders`.
 * @param {string} url
 * @param {string} requestHeaders
 */
function preflightPost(url, requestHeaders) {
  return fetch(url, {
    method: 'OPTIONS',
    headers: { origin: 'http://page.example', 'access-control-request-method': 'POST', 'access-control-request-headers': requestHeaders },
  });
}

test('a preflight gets the MCP headers, the Mcp-Param-* headers it asks for, and a cache lifetime', async () => {
  const demo = await startDemoServer();
  try {
    const response = await preflightPost(demo.httpUrl, 'content-type, mcp-method, mcp-param-region, x-other');
    const allowed = (response.headers.get('access-control-allow-headers') ?? '').split(',').map((h) => h.trim());
    assert.ok(allowed.includes('mcp-param-region'));
    assert.ok(allowed.includes('mcp-session-id') && allowed.includes('last-event-id') && allowed.includes('authorization'));
    assert.ok(!allowed.includes('x-other'));
    assert.equal(response.headers.get('access-control-max-age'), '7200');
    assert.match(response.headers.get('access-control-expose-headers') ?? '', /mcp-session-id/);
  } finally {
    await demo.close();
  }
});

test('CORS: exact allow and expose lists; well-formed Mcp-Param-* names from the preflight are reflected, others not', async () => {
  const demo = await startDemoServer();
  try {
    const preflight = await preflightPost(demo.httpUrl, `content-type, mcp-param-region, Mcp-Param-Tenant_Id, mcp-param-${'x'.repeat(80)}, x-other`);
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
    const allowed = String(preflight.headers.get('access-control-allow-headers')).split(',').map((h) => h.trim());
    assert.deepEqual(allowed, [
      'authorization', 'content-type', 'accept', 'mcp-protocol-version', 'mcp-method', 'mcp-name', 'mcp-session-id', 'last-event-id', 'dpop',
      'mcp-param-region', 'mcp-param-tenant_id',
    ]);
    assert.equal(preflight.headers.get('vary'), 'Access-Control-Request-Headers');
    assert.match(String(preflight.headers.get('access-control-allow-methods')), /GET, POST, DELETE/);
    const exposed = String(preflight.headers.get('access-control-expose-headers')).split(',').map((h) => h.trim());
    assert.deepEqual(exposed, ['mcp-session-id', 'www-authenticate', 'dpop-nonce', 'mcp-protocol-version', 'retry-after']);
  } finally {
    await demo.close();
  }
});
