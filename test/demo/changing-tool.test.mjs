// @ts-check
/** The demo's quarantine scene on the server side: daily_tip changes under the client, announced, by an out-of-band control. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CHANGED_TIP_DESCRIPTION, TIP_DESCRIPTION } from '../../demo/server/changing-tool.mjs';
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

  const control = (changed = true) => fetch(new URL(`/__demo/change-tool?changed=${changed}`, demo.httpUrl), { method: 'POST' });

  it('rewrites daily_tip on the open sessions with tools/list_changed, out of band, and can put it back; new sessions get the current one', async () => {
    const client = await connectRaw(demo.wsUrl, ['mcp']);
    try {
      await client.initialize();
      const names = (await tools(client)).map((t) => t.name);
      assert.ok(names.includes('daily_tip') && !names.includes('simulate_tool_change'), 'the control is not a tool');
      assert.equal((await tools(client)).find((t) => t.name === 'daily_tip')?.description, TIP_DESCRIPTION);

      const response = await control();
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { sessions: 1 });
      await client.waitFor((r) => r.message.method === 'notifications/tools/list_changed');
      assert.equal((await tools(client)).find((t) => t.name === 'daily_tip')?.description, CHANGED_TIP_DESCRIPTION);

      const later = await connectRaw(demo.wsUrl, ['mcp']);
      await later.initialize();
      assert.equal((await tools(later)).find((t) => t.name === 'daily_tip')?.description, CHANGED_TIP_DESCRIPTION);
      await later.close();

      await control(false);
      assert.equal((await tools(client)).find((t) => t.name === 'daily_tip')?.description, TIP_DESCRIPTION);
      assert.equal((await fetch(new URL('/__demo/change-tool', demo.httpUrl))).status, 405);
    } finally {
      await client.close();
    }
  });

  it('is off by default', async () => {
    const plain = await startDemoServer();
    const client = await connectRaw(plain.wsUrl, ['mcp']);
    try {
      await client.initialize();
      assert.ok(!(await tools(client)).some((t) => t.name === 'daily_tip'));
      assert.equal((await fetch(new URL('/__demo/change-tool', plain.httpUrl), { method: 'POST' })).status, 404);
    } finally {
      await client.close();
      await plain.close();
    }
  });
});
