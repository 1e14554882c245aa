// @ts-check
/** Node tests for the scripted LLM server (test/support/services/llm.mjs). Run: node --test test/support/llm/ */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { start } from '../services/llm.mjs';

/** @param {string} url @param {unknown} body @param {Record<string, string>} [headers] */
const post = (url, body, headers = {}) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

test('replays scripted turns in order, records requests, answers CORS preflights', async () => {
  const server = await start();
  try {
    const { id } = /** @type {{ id: string }} */ (
      await (
        await post(`${server.env.llmUrl}/__script`, {
          turns: [
            { events: [{ data: { choices: [{ index: 0, delta: { content: 'hi' }, finish_reason: 'stop' }] } }, { data: '[DONE]' }] },
            { status: 429, headers: { 'retry-after': '3' }, json: { error: { message: 'slow' } } },
          ],
        })
      ).json()
    );
    const preflight = await fetch(`${server.env.llmUrl}/s/${id}/v1/chat/completions`, {
      method: 'OPTIONS',
      headers: { origin: 'http://page', 'access-control-request-headers': 'authorization, content-type' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-headers'), 'authorization, content-type');
    const first = await post(`${server.env.llmUrl}/s/${id}/v1/chat/completions`, { model: 'm' }, { authorization: 'Bearer k' });
    assert.equal(first.headers.get('content-type'), 'text/event-stream');
    assert.equal(await first.text(), 'data: {"choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n');
    const second = await post(`${server.env.llmUrl}/s/${id}/v1/chat/completions`, { model: 'm' });
    assert.equal(second.status, 429);
    assert.equal(second.headers.get('retry-after'), '3');
    assert.match(second.headers.get('access-control-expose-headers') ?? '', /retry-after/);
    const third = await post(`${server.env.llmUrl}/s/${id}/v1/chat/completions`, {});
    assert.equal(third.status, 500); // the script ran out
    const { requests } = /** @type {{ requests: { path: string, headers: Record<string, string>, body: unknown }[] }} */ (
      await (await fetch(`${server.env.llmUrl}/__script/${id}`)).json()
    );
    assert.equal(requests.length, 3);
    assert.equal(requests[0]?.path, '/v1/chat/completions');
    assert.equal(requests[0]?.headers.authorization, 'Bearer k');
    assert.deepEqual(requests[0]?.body, { model: 'm' });
  } finally {
    await server.close();
  }
});

test('a destroyed stream ends the response mid-body', async () => {
  const server = await start();
  try {
    const { id } = /** @type {{ id: string }} */ (
      await (await post(`${server.env.llmUrl}/__script`, { turns: [{ events: [{ raw: 'data: {"par' }], end: 'destroy' }] })).json()
    );
    const response = await post(`${server.env.llmUrl}/s/${id}/v1/messages`, {});
    await assert.rejects(response.text());
  } finally {
    await server.close();
  }
});
