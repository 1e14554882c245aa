// @ts-check
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startDemoServer } from '../../demo/server/server.mjs';

test('a preflight gets the MCP headers, the Mcp-Param-* headers it asks for, and a cache lifetime', async () => {
  const demo = await startDemoServer();
  try {
    const response = await fetch(demo.httpUrl, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://127.0.0.1:9',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, mcp-method, mcp-param-region, x-other',
      },
    });
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
