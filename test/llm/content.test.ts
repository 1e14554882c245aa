/** MCP content → model parts: every block type, structuredContent, truncation with a notice. */
import { expect } from '@esm-bundle/chai';
import { mapToolResult, toolResultText } from '../../src/llm/content.js';
import { parseRetryAfter } from '../../workers/shared/http.js';
import type { LlmToolResult } from '../../src/llm/types.js';

const result = (content: LlmToolResult['content'], extra: Partial<LlmToolResult> = {}): LlmToolResult => ({ callId: 'c', name: 'n', isError: false, content, ...extra });

describe('tool result content for models', () => {
  it('describes what a text-only API cannot take; keeps images for APIs that can', () => {
    const r = result([
      { type: 'text', text: 'hello' },
      { type: 'image', mimeType: 'image/png', data: 'AAAA' },
      { type: 'image', mimeType: 'image/svg+xml', data: 'PHN2Zz4=' },
      { type: 'audio', mimeType: 'audio/wav', data: 'AAAAAAAA' },
      { type: 'resource_link', uri: 'file:///a.txt', name: 'a.txt', mimeType: 'text/plain', description: 'the file' },
      { type: 'resource', resource: { uri: 'mem://x', mimeType: 'text/plain', text: 'inline text' } },
      { type: 'resource', resource: { uri: 'mem://y', blob: 'AAAA' } },
    ]);
    const text = toolResultText(r);
    expect(text.split('\n')).to.deep.equal([
      'hello',
      '[Image (image/png, 3 bytes) returned by the tool; not shown to the model: this model API takes text only in tool results. The person can see it.]',
      '[Image (image/svg+xml, 5 bytes) returned by the tool; not shown to the model: this model API takes text only in tool results. The person can see it.]',
      '[Audio (audio/wav, 6 bytes) returned by the tool; not passed to the model. The person can play it.]',
      '[Resource link: a.txt <file:///a.txt> (text/plain) — the file]',
      '[Resource mem://x (text/plain)]',
      'inline text',
      '[Binary resource mem://y, 3 bytes; not passed to the model.]',
    ]);
    const parts = mapToolResult(r, { images: true });
    expect(parts[1]).to.deep.equal({ type: 'image', mimeType: 'image/png', data: 'AAAA' });
    expect(parts[2]?.type).to.equal('text'); // SVG is never passed as an image
  });

  it('adds structuredContent as JSON unless a text block already carries it', () => {
    expect(toolResultText(result([{ type: 'text', text: 'Sum done' }], { structuredContent: { sum: 3 } }))).to.equal('Sum done\nStructured result (JSON):\n{"sum":3}');
    expect(toolResultText(result([{ type: 'text', text: '{ "sum": 3 }' }], { structuredContent: { sum: 3 } }))).to.equal('{ "sum": 3 }');
  });

  it('cuts text beyond the limit and says so', () => {
    const text = toolResultText(result([{ type: 'text', text: 'a'.repeat(30) }, { type: 'text', text: 'b'.repeat(30) }]), 40);
    expect(text).to.equal(`${'a'.repeat(30)}\n${'b'.repeat(10)}\n[Result truncated for the model: 40 of 60 characters shown.]`);
  });

  it('never sends an empty tool message', () => {
    expect(toolResultText(result([]))).to.equal('[The tool returned no content.]');
    expect(toolResultText(result([], { isError: true }))).to.equal('[The tool reported an error without details.]');
  });

  it('parses retry-after as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('7')).to.equal(7000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).to.equal(10000);
    expect(parseRetryAfter('soon')).to.equal(undefined);
    expect(parseRetryAfter(null)).to.equal(undefined);
  });
});
