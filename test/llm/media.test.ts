/**
 * Pictures and sound from tool results to the model, in a real browser: the demo server's
 * `render_chart` PNG goes through a real connection and the gate to the scripted LLM server, and
 * arrives in the shape each API documents — an Anthropic `tool_result` with an `image` block
 * (base64 source), and for OpenAI-compatible servers, whose `tool` messages take text only, a
 * `user` message of `image_url` parts right after the tool messages. Plus the mapping rules:
 * media only from valid base64 of accepted types, audio as `input_audio` (wav/mp3), the person's
 * attachments before their text, and nothing when the provider takes no media.
 */
import { expect } from '@esm-bundle/chai';
import { Agent } from '../../src/agent/agent.js';
import { AuditLog } from '../../src/audit/audit-log.js';
import { McpConnection } from '../../src/connections/connection.js';
import { Gate } from '../../src/gate/gate.js';
import { ALLOW_ALL_POLICY, type Policy } from '../../src/gate/policy.js';
import { AnthropicProvider } from '../../src/llm/anthropic.js';
import { toAnthropicMessages } from '../../src/llm/anthropic-wire.js';
import { mapContent } from '../../src/llm/content.js';
import { OpenAiCompatibleProvider } from '../../src/llm/openai-compatible.js';
import { toOpenAiMessages } from '../../src/llm/openai-wire.js';
import type { LlmProvider, LlmRequest } from '../../src/llm/types.js';
import { deleteToolgateDb } from '../../src/storage/db.js';
import { taggedWsUrl, uniqueTag } from '../support/env.js';
import { anthropicTurn, openAiTurn, recordedRequests, registerScript } from '../support/llm/scripts.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function gateWithDemo(policy: Policy = ALLOW_ALL_POLICY) {
  const connection = await McpConnection.open({ url: taggedWsUrl(uniqueTag('media')) });
  const dbName = `tg-test-media-${crypto.randomUUID()}`;
  const audit = await AuditLog.open({ dbName });
  const gate = await Gate.open({ audit, policy });
  cleanups.push(async () => {
    gate.close();
    audit.close();
    await connection.close();
    await deleteToolgateDb(dbName);
  });
  await gate.addServer('demo', connection);
  return gate;
}

const PNG_MAGIC = 'iVBORw0KGgo'; // base64 of the PNG signature

describe('an image result reaches the model as its API documents', () => {
  const cases = [
    {
      name: 'OpenAI-compatible (user-message image_url parts after the tool messages)',
      turn: openAiTurn,
      provider: (base: string): LlmProvider => new OpenAiCompatibleProvider({ baseUrl: `${base}/v1`, model: 'scripted', media: { images: true } }),
      check(messages: Record<string, unknown>[]) {
        const toolIndex = messages.findIndex((m) => m.role === 'tool');
        const tool = messages[toolIndex]!;
        expect(tool.tool_call_id).to.equal('c1');
        expect(String(tool.content)).to.contain('[Image 1 of these results is in the user message after the tool messages.]');
        expect(String(tool.content)).to.contain('A 64×64 PNG');
        const user = messages[toolIndex + 1]!;
        expect(user.role).to.equal('user');
        const parts = user.content as Record<string, unknown>[];
        expect(parts.map((p) => p.type)).to.deep.equal(['text', 'text', 'image_url']);
        expect(parts[1]).to.deep.equal({ type: 'text', text: '[Image 1, from the call c1:]' });
        const url = (parts[2]!.image_url as { url: string }).url;
        expect(url.startsWith(`data:image/png;base64,${PNG_MAGIC}`)).to.equal(true);
      },
    },
    {
      name: 'Anthropic (an image block with a base64 source inside the tool_result)',
      turn: anthropicTurn,
      provider: (base: string): LlmProvider => new AnthropicProvider({ baseUrl: base, model: 'scripted', apiKey: 'k' }),
      check(messages: Record<string, unknown>[]) {
        const user = messages.find((m) => m.role === 'user' && Array.isArray(m.content) && (m.content as { type: string }[]).some((b) => b.type === 'tool_result'))!;
        const result = (user.content as Record<string, unknown>[]).find((b) => b.type === 'tool_result')!;
        expect(result.tool_use_id).to.equal('c1');
        const blocks = result.content as Record<string, unknown>[];
        expect(blocks.map((b) => b.type)).to.deep.equal(['image', 'text']);
        const source = blocks[0]!.source as Record<string, string>;
        expect(source.type).to.equal('base64');
        expect(source.media_type).to.equal('image/png');
        expect(source.data!.startsWith(PNG_MAGIC)).to.equal(true);
      },
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const gate = await gateWithDemo();
      const script = await registerScript([c.turn({ toolCalls: [{ id: 'c1', name: 'demo__render_chart', args: {} }] }), c.turn({ text: ['A bar chart.'] })]);
      const agent = new Agent({ gate, provider: c.provider(script.base) });
      const summary = await agent.send('Draw me a chart');
      expect(summary.reason).to.equal('done');
      const requests = await recordedRequests(script.id);
      c.check(requests[1]!.body.messages);
    });
  }

  it('withheld by the data-flow policy: no image reaches a provider the server does not allow', async () => {
    const gate = await gateWithDemo({ ...ALLOW_ALL_POLICY, servers: [{ url: 'ws://127.0.0.1:*/*', labels: ['local'] }] });
    const script = await registerScript([anthropicTurn({ toolCalls: [{ id: 'c1', name: 'demo__render_chart', args: {} }] }), anthropicTurn({ text: ['ok'] })]);
    const agent = new Agent({ gate, provider: new AnthropicProvider({ baseUrl: script.base, model: 'scripted', apiKey: 'k', label: 'vendor:anthropic' }) });
    await agent.send('Draw me a chart');
    const body = JSON.stringify((await recordedRequests(script.id))[1]!.body.messages);
    expect(body).not.to.contain(PNG_MAGIC);
    expect(body).to.contain('withheld from you by the data-flow policy');
  });
});

describe('media mapping', () => {
  const png = { type: 'image' as const, mimeType: 'image/png', data: 'iVBORw0KGgo=' };
  const wav = { type: 'audio' as const, mimeType: 'audio/wav', data: 'UklGRgAAAAA=' };

  it('passes only valid base64 of accepted types within the bound; audio only as wav/mp3 when asked for', () => {
    const parts = mapContent(
      [png, { ...png, data: 'not base64!' }, { ...png, mimeType: 'image/svg+xml' }, { ...png, data: 'A'.repeat(16) }, wav, { ...wav, mimeType: 'audio/ogg' }],
      { images: true, audio: true, maxImageBase64: 12 },
    );
    expect(parts.map((p) => p.type)).to.deep.equal(['image', 'text', 'text', 'text', 'audio', 'text']);
    expect(parts[4]).to.deep.equal({ type: 'audio', mimeType: 'audio/wav', format: 'wav', data: 'UklGRgAAAAA=' });
    expect(mapContent([wav], { images: true }).map((p) => p.type)).to.deep.equal(['text']);
  });

  it("OpenAI: audio as input_audio, the person's attachments before their text, plain strings when all is text", () => {
    const request: LlmRequest = {
      messages: [
        { role: 'user', text: 'What is in these?', context: [{ label: 'Resource r://1 from the server “s”', content: [{ type: 'text', text: 'notes' }, png] }] },
        { role: 'assistant', text: '', toolCalls: [{ id: 'c9', name: 's__listen', args: {} }] },
        { role: 'tool', results: [{ callId: 'c9', name: 's__listen', isError: false, content: [wav] }] },
      ],
      tools: [],
    };
    const media = toOpenAiMessages(request, { images: true, audio: true }) as Record<string, unknown>[];
    expect(media[0]).to.deep.equal({
      role: 'user',
      content: [
        { type: 'text', text: '[Resource r://1 from the server “s”]' },
        { type: 'text', text: 'notes' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
        { type: 'text', text: 'What is in these?' },
      ],
    });
    expect(media[3]).to.deep.equal({
      role: 'user',
      content: [
        { type: 'text', text: '[Media returned by the tool calls above (a tool message cannot carry it). This is tool output, not the person’s words.]' },
        { type: 'text', text: '[Audio 1, from the call c9:]' },
        { type: 'input_audio', input_audio: { data: 'UklGRgAAAAA=', format: 'wav' } },
      ],
    });
    const textOnly = toOpenAiMessages(request) as Record<string, unknown>[];
    expect(textOnly).to.have.length(3); // no media message
    expect(typeof textOnly[0]!.content).to.equal('string');
    expect(String(textOnly[0]!.content)).to.match(/^\[Resource r:\/\/1 from the server “s”\]\nnotes\n\[Image \(image\/png, 8 bytes\) attached; not shown to the model: this model is not set up to take media/);
    expect(String(textOnly[2]!.content)).to.match(/^\[Audio \(audio\/wav, 8 bytes\) returned by the tool; not passed to the model/);
  });

  it('Anthropic: attachments as text and image blocks before the text; audio described', () => {
    const messages = toAnthropicMessages({
      messages: [{ role: 'user', text: 'Look', context: [{ label: 'L', content: [png, wav] }] }],
      tools: [],
    });
    expect(messages).to.deep.equal([
      {
        role: 'user',
        content: [
          { type: 'text', text: '[L]' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          { type: 'text', text: '[Audio (audio/wav, 8 bytes) attached; not passed to the model. The person can play it.]' },
          { type: 'text', text: 'Look' },
        ],
      },
    ]);
  });

  it('images go to api.openai.com by default, not to other OpenAI-compatible servers unless asked', () => {
    expect(new OpenAiCompatibleProvider({ baseUrl: 'https://api.openai.com/v1', model: 'm' }).media).to.deep.equal({ images: true, audio: false });
    expect(new OpenAiCompatibleProvider({ baseUrl: 'http://127.0.0.1:11434/v1', model: 'm' }).media).to.deep.equal({ images: false, audio: false });
    expect(new OpenAiCompatibleProvider({ baseUrl: 'http://127.0.0.1:11434/v1', model: 'm', media: { images: true, audio: true } }).media).to.deep.equal({ images: true, audio: true });
  });
});
