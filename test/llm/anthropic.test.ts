/** The Anthropic provider: stream events → normalized events, and the Messages request shape. */
import { expect } from '@esm-bundle/chai';
import { AnthropicProvider } from '../../src/llm/anthropic.js';
import { AnthropicStreamDecoder, toAnthropicBody } from '../../src/llm/anthropic-wire.js';
import type { LlmEvent, LlmRequest } from '../../src/llm/types.js';
import { ErrorCode } from '../../workers/shared/errors.js';

function decode(events: [string, object][]): LlmEvent[] {
  const decoder = new AnthropicStreamDecoder();
  return events.flatMap(([name, data]) => decoder.push(name, JSON.stringify({ type: name, ...data })));
}

describe('AnthropicStreamDecoder', () => {
  it('text_delta and input_json_delta across blocks, usage from message_start and message_delta', () => {
    const events = decode([
      ['message_start', { message: { id: 'm', usage: { input_tokens: 472, output_tokens: 2, cache_read_input_tokens: 100 } } }],
      ['content_block_start', { index: 0, content_block: { type: 'text', text: '' } }],
      ['ping', {}],
      ['content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Okay, ' } }],
      ['content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'checking.' } }],
      ['content_block_stop', { index: 0 }],
      ['content_block_start', { index: 1, content_block: { type: 'tool_use', id: 'toolu_01', name: 'demo__echo', input: {} } }],
      ['content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: '' } }],
      ['content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: '{"text": "a' } }],
      ['content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: 'b"}' } }],
      ['content_block_stop', { index: 1 }],
      ['message_delta', { delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 89 } }],
      ['message_stop', {}],
    ]);
    expect(events).to.deep.equal([
      { type: 'text', delta: 'Okay, ' },
      { type: 'text', delta: 'checking.' },
      { type: 'tool-call', id: 'toolu_01', name: 'demo__echo', argumentsText: '{"text": "ab"}', args: { text: 'ab' } },
      { type: 'usage', usage: { inputTokens: 472, outputTokens: 89, cacheReadTokens: 100 } },
      { type: 'done', stopReason: 'tool-calls', raw: 'tool_use' },
    ]);
  });

  it('a tool_use with no input deltas uses the input of its start block; thinking blocks are not passed on', () => {
    const events = decode([
      ['message_start', { message: { usage: { input_tokens: 1 } } }],
      ['content_block_start', { index: 0, content_block: { type: 'thinking', thinking: '' } }],
      ['content_block_delta', { index: 0, delta: { type: 'thinking_delta', thinking: 'hmm' } }],
      ['content_block_stop', { index: 0 }],
      ['content_block_start', { index: 1, content_block: { type: 'tool_use', id: 't2', name: 'demo__list_notes', input: {} } }],
      ['content_block_stop', { index: 1 }],
      ['message_delta', { delta: { stop_reason: 'max_tokens' } }],
      ['message_stop', {}],
    ]);
    expect(events.filter((e) => e.type === 'text')).to.deep.equal([]);
    expect(events.find((e) => e.type === 'tool-call')).to.deep.include({ id: 't2', args: {} });
    expect(events.at(-1)).to.deep.equal({ type: 'done', stopReason: 'max-tokens', raw: 'max_tokens' });
  });

  it('an error event (overloaded) is TG_LLM_PROVIDER_ERROR', () => {
    const decoder = new AnthropicStreamDecoder();
    expect(() => decoder.push('error', JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } })))
      .to.throw(/overloaded_error: Overloaded/)
      .with.property('code', ErrorCode.LLM_PROVIDER_ERROR);
  });
});

describe('Anthropic request mapping', () => {
  const request: LlmRequest = {
    system: 'be brief',
    messages: [
      { role: 'user', text: 'draw' },
      { role: 'assistant', text: 'Sure.', toolCalls: [{ id: 'tu1', name: 'demo__render_chart', args: {} }, { id: 'tu2', name: 'demo__delete_note', args: { id: 'x' } }] },
      {
        role: 'tool',
        results: [
          { callId: 'tu1', name: 'demo__render_chart', isError: false, content: [{ type: 'image', mimeType: 'image/png', data: 'iVBORw0KGgo=' }, { type: 'text', text: 'chart' }] },
          { callId: 'tu2', name: 'demo__delete_note', isError: true, content: [{ type: 'text', text: 'No note with id x.' }] },
        ],
      },
      { role: 'user', text: 'thanks' },
    ],
    tools: [{ name: 'demo__render_chart', inputSchema: { type: 'object' } }],
    toolChoice: 'required',
  };

  it('tool_use and tool_result blocks (with the image), is_error, merged user turns, tool_choice any', () => {
    const body = toAnthropicBody(request, 'claude-x', 1024);
    expect(body).to.deep.include({ model: 'claude-x', max_tokens: 1024, system: 'be brief', stream: true, tool_choice: { type: 'any' } });
    expect(body.tools).to.deep.equal([{ name: 'demo__render_chart', input_schema: { type: 'object' } }]);
    expect(body.messages).to.deep.equal([
      { role: 'user', content: [{ type: 'text', text: 'draw' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Sure.' },
          { type: 'tool_use', id: 'tu1', name: 'demo__render_chart', input: {} },
          { type: 'tool_use', id: 'tu2', name: 'demo__delete_note', input: { id: 'x' } },
        ],
      },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            tool_use_id: 'tu1',
            content: [
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
              { type: 'text', text: 'chart' },
            ],
          },
          { type: 'tool_result', tool_use_id: 'tu2', content: [{ type: 'text', text: 'No note with id x.' }], is_error: true },
          { type: 'text', text: 'thanks' },
        ],
      },
    ]);
  });

  it('sends the key in x-api-key with the version and browser-access headers, to {baseUrl}/v1/messages', async () => {
    let seen: { url: string; headers: Record<string, string> } | undefined;
    const provider = new AnthropicProvider({
      baseUrl: 'https://proxy.example/anthropic',
      model: 'claude-x',
      apiKey: 'sk-ant-secret',
      fetch: async (url, init) => {
        seen = { url, headers: init.headers as Record<string, string> };
        const body = ['message_start', 'message_stop'].map((t) => `event: ${t}\ndata: {"type":"${t}","message":{"usage":{"input_tokens":3}}}\n\n`).join('');
        return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
      },
    });
    const events: LlmEvent[] = [];
    for await (const e of provider.stream(request, new AbortController().signal)) events.push(e);
    expect(events.at(-1)).to.deep.equal({ type: 'done', stopReason: 'end', raw: 'end_turn' });
    expect(provider.label).to.equal('vendor:anthropic');
    expect(seen?.url).to.equal('https://proxy.example/anthropic/v1/messages');
    expect(seen?.url).not.to.contain('sk-ant');
    expect(seen?.headers).to.include({ 'x-api-key': 'sk-ant-secret', 'anthropic-version': '2023-06-01', 'anthropic-dangerous-direct-browser-access': 'true' });
  });

  it('a stream that ends without message_stop is TG_LLM_STREAM_BROKEN', async () => {
    const provider = new AnthropicProvider({
      model: 'm',
      fetch: async () => new Response('event: message_start\ndata: {"type":"message_start","message":{}}\n\n', { headers: { 'content-type': 'text/event-stream' } }),
    });
    let code: unknown;
    try {
      for await (const _ of provider.stream(request, new AbortController().signal)) void _;
    } catch (err) {
      code = (err as { code?: unknown }).code;
    }
    expect(code).to.equal(ErrorCode.LLM_STREAM_BROKEN);
  });
});
