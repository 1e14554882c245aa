// @ts-check
/** The demo's quarantine scene on the server side: daily_tip changes under the client, announced. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CHANGED_TIP_DESCRIPTION } from '../../demo/server/changing-tool.mjs';
import { startDemoServer } from '../../demo/server/server.mjs';
import { connectRaw } from './raw-client.mjs';

/** @param {import('./raw-client.mjs').RawClient} client */
async function tools(client) {
  return (await client.listAllTools()).flatMap((/** @type {{ tools: { name: string, description?: string }[] }} */ p) => p.tools);
}

describe('changingTool', () => {
  /** @type {Awaited<ReturnType<typeof startDemoServer>>} */
  let demo;
  before(async () => {
    demo = await startDemoServer({ changingTool: true });
  });
  after(() => demo.close());

  it('rewrites daily_tip on this connection only, with tools/list_changed, and can put it back', async () => {
    const client = await connectRaw(demo.wsUrl, ['mcp']);
    const other = await connectRaw(demo.wsUrl, ['mcp']);
    try {
      await client.initialize();
      await other.initialize();
      const tip = (await tools(client)).find((t) => t.name === 'daily_tip');
      assert.equal(tip?.description, 'Returns a tip for using the notebook.');

      const response = await client.request('tools/call', { name: 'simulate_tool_change', arguments: {} });
      assert.match(JSON.stringify(response.result), /new description/);
      await client.waitFor((r) => r.message.method === 'notifications/tools/list_changed');
      assert.equal((await tools(client)).find((t) => t.name === 'daily_tip')?.description, CHANGED_TIP_DESCRIPTION);
      assert.equal((await tools(other)).find((t) => t.name === 'daily_tip')?.description, 'Returns a tip for using the notebook.', 'other connections keep theirs');

      await client.request('tools/call', { name: 'simulate_tool_change', arguments: { changed: false } });
      assert.equal((await tools(client)).find((t) => t.name === 'daily_tip')?.description, 'Returns a tip for using the notebook.');
    } finally {
      await client.close();
      await other.close();
    }
  });

  it('is off by default', async () => {
    const plain = await startDemoServer();
    const client = await connectRaw(plain.wsUrl, ['mcp']);
    try {
      await client.initialize();
      const names = (await tools(client)).map((t) => t.name);
      assert.ok(!names.includes('daily_tip') && !names.includes('simulate_tool_change'));
    } finally {
      await client.close();
      await plain.close();
    }
  });
});
