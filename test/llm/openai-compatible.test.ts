/**
 * The OpenAI-compatible provider against the stream shapes of OpenAI, Ollama, llama.cpp server,
 * vLLM and LM Studio (chunks as those servers send them), and its request mapping.
 */
import { expect } from '@esm-bundle/chai';
import { OpenAiCompatibleProvider } from '../../src/llm/openai-compatible.js';
import { OpenAiStreamDecoder, toOpenAiBody } from '../../src/llm/openai-wire.js';
import type { LlmEvent, LlmRequest } from '../../src/llm/types.js';
import { ErrorCode } from '../../workers/shared/errors.js';

type Coded = Error & { code?: string; data?: Record<string, unknown> };

function decode(chunks: (object | string)[], end: 'finish' | 'none' = 'none'): LlmEvent[] {
  const decoder = new OpenAiStreamDecoder();
  const events: LlmEvent[] = [];
  for (const c of chunks) events.push(...decoder.push(typeof c === 'string' ? c : JSON.stringify(c)));
  if (end === 'finish') events.push(...decoder.finish());
  return events;
}

const choice = (delta: object, finish_reason: string | null = null) => ({ choices: [{ index: 0, delta, finish_reason }] });
const toolCalls = (events: LlmEvent[]) => events.filter((e) => e.type === 'tool-call');
const done = (events: LlmEvent[]) => events.find((e) => e.type === 'done');
const usage = (events: LlmEvent[]) => events.find((e) => e.type === 'usage');
const text = (events: LlmEvent[]) => events.flatMap((e) => (e.type === 'text' ? [e.delta] : [])).join('');

describe('OpenAiStreamDecoder: vendor shapes', () => {
  it('OpenAI: fragments by index, usage in a final chunk with no choices, [DONE]', () => {
    const events = decode([
      { id: 'c', choices: [{ index: 0, delta: { role: 'assistant', content: null }, finish_reason: null }] },
      choice({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'demo__echo', arguments: '' } }] }),
      choice({ tool_calls: [{ index: 0, function: { arguments: '{"te' } }] }),
      choice({ tool_calls: [{ index: 1, id: 'call_2', type: 'function', function: { name: 'demo__get_time', arguments: '{}' } }] }),
      choice({ tool_calls: [{ index: 0, function: { arguments: 'xt":"hi"}' } }] }),
      choice({}, 'tool_calls'),
      { choices: [], usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19, prompt_tokens_details: { cached_tokens: 4 } } },
      '[DONE]',
    ]);
    expect(toolCalls(events)).to.deep.equal([
      { type: 'tool-call', id: 'call_1', name: 'demo__echo', argumentsText: '{"text":"hi"}', args: { text: 'hi' } },
      { type: 'tool-call', id: 'call_2', name: 'demo__get_time', argumentsText: '{}', args: {} },
    ]);
    expect(usage(events)).to.deep.equal({ type: 'usage', usage: { inputTokens: 12, outputTokens: 7, cacheReadTokens: 4 } });
    expect(done(events)).to.deep.equal({ type: 'done', stopReason: 'tool-calls', raw: 'tool_calls' });
  });

  it('Ollama: a whole tool call in one chunk, finish_reason "stop" with tool calls, arguments as an object, no index', () => {
    const events = decode([
      choice({ role: 'assistant', content: '', tool_calls: [{ id: 'call_o1', index: 0, type: 'function', function: { name: 'demo__echo', arguments: '{"text":"a"}' } }] }),
      choice({ role: 'assistant', content: '' }, 'stop'),
      '[DONE]',
    ]);
    expect(toolCalls(events).map((e) => e.type === 'tool-call' && e.args)).to.deep.equal([{ text: 'a' }]);
    expect(done(events)).to.deep.equal({ type: 'done', stopReason: 'tool-calls', raw: 'stop' });
    expect(usage(events)).to.equal(undefined); // none sent: none reported

    const older = decode([
      choice({ tool_calls: [{ id: 'call_x', function: { name: 'demo__echo', arguments: { text: 'obj' } } }, { id: 'call_y', function: { name: 'demo__get_time', arguments: {} } }] }),
      choice({}, 'stop'),
      '[DONE]',
    ]);
    expect(toolCalls(older).map((e) => e.type === 'tool-call' && [e.id, e.name, e.args])).to.deep.equal([
      ['call_x', 'demo__echo', { text: 'obj' }],
      ['call_y', 'demo__get_time', {}],
    ]);
  });

  it('llama.cpp server: usage and timings in the finish chunk, text then a tool call', () => {
    const events = decode([
      choice({ role: 'assistant', content: null }),
      choice({ content: 'Checking' }),
      choice({ content: '…' }),
      choice({ tool_calls: [{ index: 0, id: 'ZBB6xVnt', type: 'function', function: { name: 'demo__search_notes', arguments: '{"query":' } }] }),
      choice({ tool_calls: [{ index: 0, function: { arguments: ' "oat"}' } }] }),
      { choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }], usage: { completion_tokens: 30, prompt_tokens: 200, total_tokens: 230 }, timings: { predicted_ms: 10 } },
      '[DONE]',
    ]);
    expect(text(events)).to.equal('Checking…');
    expect(toolCalls(events).map((e) => e.type === 'tool-call' && e.args)).to.deep.equal([{ query: 'oat' }]);
    expect(usage(events)).to.deep.equal({ type: 'usage', usage: { inputTokens: 200, outputTokens: 30 } });
  });

  it('vLLM: first fragment without arguments, cumulative usage in every chunk (the last one counts)', () => {
    const events = decode([
      { choices: [{ index: 0, delta: { role: 'assistant' } }], usage: { prompt_tokens: 50, completion_tokens: 0 } },
      { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'chatcmpl-tool-9', type: 'function', function: { name: 'demo__echo' } }] } }], usage: { prompt_tokens: 50, completion_tokens: 1 } },
      { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{"text": ' } }] } }], usage: { prompt_tokens: 50, completion_tokens: 5 } },
      { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '"v"}' } }] } }], usage: { prompt_tokens: 50, completion_tokens: 9 } },
      { choices: [{ index: 0, delta: { content: '' }, finish_reason: 'tool_calls' }], usage: { prompt_tokens: 50, completion_tokens: 10 } },
      '[DONE]',
    ]);
    expect(toolCalls(events).map((e) => e.type === 'tool-call' && [e.id, e.args])).to.deep.equal([['chatcmpl-tool-9', { text: 'v' }]]);
    expect(events.filter((e) => e.type === 'usage')).to.deep.equal([{ type: 'usage', usage: { inputTokens: 50, outputTokens: 10 } }]);
  });

  it('LM Studio: id and name repeated on every fragment, and no [DONE] (finish then end of body)', () => {
    const events = decode(
      [
        choice({ tool_calls: [{ index: 0, id: '123', type: 'function', function: { name: 'demo__echo', arguments: '' } }] }),
        choice({ tool_calls: [{ index: 0, id: '123', type: 'function', function: { name: 'demo__echo', arguments: '{"text":' } }] }),
        choice({ tool_calls: [{ index: 0, id: '123', type: 'function', function: { name: 'demo__echo', arguments: '"lm"}' } }] }),
        choice({}, 'tool_calls'),
      ],
      'finish',
    );
    expect(toolCalls(events)).to.deep.equal([{ type: 'tool-call', id: '123', name: 'demo__echo', argumentsText: '{"text":"lm"}', args: { text: 'lm' } }]);
  });

  it('maps finish reasons, legacy function_call, missing ids and broken arguments', () => {
    expect(done(decode([choice({ content: 'x' }, 'length'), '[DONE]']))).to.deep.include({ stopReason: 'max-tokens' });
    expect(done(decode([choice({ content: 'x' }, 'content_filter'), '[DONE]']))).to.deep.include({ stopReason: 'content-filter' });
    expect(done(decode([choice({ content: 'x' }, 'eos'), '[DONE]']))).to.deep.include({ stopReason: 'end' });
    const legacy = decode([choice({ function_call: { name: 'demo__echo', arguments: '{"text":' } }), choice({ function_call: { arguments: '"old"}' } }, 'function_call'), '[DONE]']);
    expect(toolCalls(legacy)).to.deep.equal([{ type: 'tool-call', id: 'call_1', name: 'demo__echo', argumentsText: '{"text":"old"}', args: { text: 'old' } }]);
    const broken = toolCalls(decode([choice({ tool_calls: [{ index: 0, function: { name: 'demo__echo', arguments: '{"text": "unterminated' } }] }, 'tool_calls'), '[DONE]']));
    expect(broken[0]).to.include({ type: 'tool-call', id: 'call_1', argumentsText: '{"text": "unterminated' });
    expect(broken[0]?.type === 'tool-call' && broken[0].args).to.equal(undefined);
    expect(broken[0]?.type === 'tool-call' && broken[0].invalid).to.match(/not valid JSON/);
    const notObject = toolCalls(decode([choice({ tool_calls: [{ index: 0, id: 'a', function: { name: 'n', arguments: '[1]' } }] }, 'tool_calls'), '[DONE]']));
    expect(notObject[0]?.type === 'tool-call' && notObject[0].invalid).to.equal('the arguments are not a JSON object');
  });

  it('an error object inside the stream is TG_LLM_PROVIDER_ERROR; a chunk that is not JSON is TG_LLM_BAD_RESPONSE', () => {
    const decoder = new OpenAiStreamDecoder();
    expect(() => decoder.push(JSON.stringify({ error: { message: 'model not loaded' } })))
      .to.throw()
      .with.property('code', ErrorCode.LLM_PROVIDER_ERROR);
    expect(() => new OpenAiStreamDecoder().push('{not json')).to.throw().with.property('code', ErrorCode.LLM_BAD_RESPONSE);
  });
});

describe('OpenAiCompatibleProvider over fetch', () => {
  const request: LlmRequest = {
    system: 'sys',
    messages: [
      { role: 'user', text: 'hi' },
      { role: 'assistant', text: '', toolCalls: [{ id: 'c1', name: 'demo__render_chart', args: {} }] },
      {
        role: 'tool',
        results: [{ callId: 'c1', name: 'demo__render_chart', isError: false, content: [{ type: 'image', mimeType: 'image/png', data: 'iVBORw0KGgo=' }, { type: 'text', text: 'a chart' }] }],
      },
    ],
    tools: [{ name: 'demo__render_chart', description: 'Renders', inputSchema: { type: 'object', properties: {} } }],
    toolChoice: 'required',
  };

  function sse(lines: string[], cut = false): Response {
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const line of lines) controller.enqueue(encoder.encode(line));
        if (cut) controller.error(new TypeError('network error'));
        else controller.close();
      },
    });
    return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
  }

  async function collect(provider: OpenAiCompatibleProvider): Promise<LlmEvent[]> {
    const out: LlmEvent[] = [];
    for await (const e of provider.stream(request, new AbortController().signal)) out.push(e);
    return out;
  }

  async function failure(provider: OpenAiCompatibleProvider): Promise<Coded> {
    try {
      await collect(provider);
    } catch (err) {
      return err as Coded;
    }
    throw new Error('expected a failure');
  }

  it('maps the request: system, tools, tool_choice, tool messages as text, key only in the header', async () => {
    let seen: { url: string; init: RequestInit } | undefined;
    const provider = new OpenAiCompatibleProvider({
      baseUrl: 'https://llm.example/v1/',
      model: 'm',
      apiKey: () => 'k-123',
      fetch: async (url, init) => {
        seen = { url, init };
        return sse(['data: {"choices":[{"index":0,"delta":{"content":"ok"},"finish_reason":"stop"}]}\n\n', 'data: [DONE]\n\n']);
      },
    });
    expect(provider.label).to.equal('vendor:llm.example');
    expect(text(await collect(provider))).to.equal('ok');
    expect(seen?.url).to.equal('https://llm.example/v1/chat/completions');
    expect((seen?.init.headers as Record<string, string>).authorization).to.equal('Bearer k-123');
    const body = JSON.parse(String(seen?.init.body)) as Record<string, unknown>;
    expect(body).to.deep.include({ model: 'm', stream: true, stream_options: { include_usage: true }, tool_choice: 'required' });
    expect(body.tools).to.deep.equal([{ type: 'function', function: { name: 'demo__render_chart', description: 'Renders', parameters: { type: 'object', properties: {} } } }]);
    const messages = body.messages as Record<string, unknown>[];
    expect(messages[0]).to.deep.equal({ role: 'system', content: 'sys' });
    expect(messages[2]).to.deep.equal({ role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'demo__render_chart', arguments: '{}' } }] });
    expect(messages[3]?.role).to.equal('tool');
    expect(messages[3]?.tool_call_id).to.equal('c1');
    expect(String(messages[3]?.content)).to.match(/^\[Image \(image\/png, 8 bytes\).*\]\na chart$/);
  });

  it('leaves tools and tool_choice out when there are no tools; no stream_options when turned off', () => {
    const body = toOpenAiBody({ messages: [{ role: 'user', text: 'x' }], tools: [], toolChoice: 'auto' }, 'm', false);
    expect(body).to.deep.equal({ model: 'm', messages: [{ role: 'user', content: 'x' }], stream: true });
  });

  it('accepts a plain JSON answer from a server that ignored stream: true', async () => {
    const json = {
      choices: [{ index: 0, message: { role: 'assistant', content: 'whole', tool_calls: [{ id: 't', type: 'function', function: { name: 'demo__echo', arguments: '{"text":"j"}' } }] }, finish_reason: 'tool_calls' }],
      usage: { prompt_tokens: 3, completion_tokens: 4 },
    };
    const provider = new OpenAiCompatibleProvider({ baseUrl: 'http://127.0.0.1:1/v1', model: 'm', fetch: async () => Response.json(json) });
    expect(provider.label).to.equal('local');
    const events = await collect(provider);
    expect(text(events)).to.equal('whole');
    expect(toolCalls(events).map((e) => e.type === 'tool-call' && e.args)).to.deep.equal([{ text: 'j' }]);
    expect(done(events)).to.deep.include({ stopReason: 'tool-calls' });
  });

  it('a body that ends before a finish, or breaks, is TG_LLM_STREAM_BROKEN', async () => {
    const ended = new OpenAiCompatibleProvider({ baseUrl: 'http://127.0.0.1:1/v1', model: 'm', fetch: async () => sse(['data: {"choices":[{"index":0,"delta":{"content":"par"}}]}\n\n', 'data: {"choi']) });
    expect((await failure(ended)).code).to.equal(ErrorCode.LLM_STREAM_BROKEN);
    const broke = new OpenAiCompatibleProvider({ baseUrl: 'http://127.0.0.1:1/v1', model: 'm', fetch: async () => sse(['data: {"choices":[{"index":0,"delta":{"content":"par"}}]}\n\n'], true) });
    expect((await failure(broke)).code).to.equal(ErrorCode.LLM_STREAM_BROKEN);
  });

  it('HTTP errors: 429 with retry-after (seconds or date), 401 without echoing the key, fetch failure', async () => {
    const limited = new OpenAiCompatibleProvider({
      baseUrl: 'http://127.0.0.1:1/v1',
      model: 'm',
      apiKey: 'k-secret',
      fetch: async () => Response.json({ error: { message: 'Too many' } }, { status: 429, headers: { 'retry-after': '2' } }),
    });
    const e429 = await failure(limited);
    expect(e429.code).to.equal(ErrorCode.LLM_RATE_LIMITED);
    expect(e429.data).to.include({ status: 429, retryAfterMs: 2000 });
    const unauthorized = new OpenAiCompatibleProvider({
      baseUrl: 'http://127.0.0.1:1/v1',
      model: 'm',
      apiKey: 'k-secret',
      fetch: async () => Response.json({ error: { message: 'Incorrect API key provided' } }, { status: 401 }),
    });
    const e401 = await failure(unauthorized);
    expect(e401.code).to.equal(ErrorCode.LLM_HTTP);
    expect(e401.data).to.include({ status: 401 });
    expect(JSON.stringify({ m: e401.message, d: e401.data })).not.to.contain('k-secret');
    const offline = new OpenAiCompatibleProvider({ baseUrl: 'http://127.0.0.1:1/v1', model: 'm', fetch: async () => Promise.reject(new TypeError('Failed to fetch')) });
    expect((await failure(offline)).code).to.equal(ErrorCode.LLM_NETWORK);
  });

  it('refuses a base URL with credentials in it', () => {
    expect(() => new OpenAiCompatibleProvider({ baseUrl: 'https://user:sk-1@llm.example/v1', model: 'm' }))
      .to.throw()
      .with.property('code', 'TG_INVALID_CONFIG');
  });
});
