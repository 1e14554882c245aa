/** DOM-free: what of a tool result (untrusted) is shown, and how. */
import { expect } from '@esm-bundle/chai';
import { describeContent, describeResult, INLINE_IMAGE_TYPES, MAX_MEDIA_BASE64 } from '../../../src/elements/agent/result-view.js';
import type { CallToolResult } from '../../../workers/shared/wire.js';

const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

describe('describeResult', () => {
  it('keeps text blocks as text, markup included', () => {
    const view = describeResult({ content: [{ type: 'text', text: '<img src=x onerror=alert(1)>\nline 2' }] });
    expect(view).to.deep.equal({ isError: false, parts: [{ kind: 'text', text: '<img src=x onerror=alert(1)>\nline 2' }] });
  });

  it('marks isError results', () => {
    expect(describeResult({ content: [{ type: 'text', text: 'No note' }], isError: true }).isError).to.equal(true);
  });

  for (const mimeType of INLINE_IMAGE_TYPES) {
    it(`turns a ${mimeType} image into a data: URL with alt text`, () => {
      const view = describeResult({ content: [{ type: 'image', mimeType, data: PNG_1PX }] }, { toolName: 'render_chart' });
      expect(view.parts).to.deep.equal([
        { kind: 'image', mimeType, src: `data:${mimeType};base64,${PNG_1PX}`, alt: 'Image returned by the tool render_chart' },
      ]);
    });
  }

  it('never inlines SVG (it can carry script), nor other image types', () => {
    for (const mimeType of ['image/svg+xml', 'IMAGE/SVG+XML', 'text/html', 'image/png;x=1', 'image/png" onerror="x']) {
      const [part] = describeResult({ content: [{ type: 'image', mimeType, data: 'PHN2Zz48L3N2Zz4=' }] }).parts;
      expect(part?.kind, mimeType).to.equal('notice');
    }
  });

  it('accepts an upper-case raster type, normalised', () => {
    const [part] = describeResult({ content: [{ type: 'image', mimeType: 'Image/PNG', data: PNG_1PX }] }).parts;
    expect(part).to.include({ kind: 'image', mimeType: 'image/png' });
  });

  it('refuses image data that is not base64', () => {
    for (const data of ['', 'abc', 'AAAA"><script>', 'AA==AA==']) {
      const [part] = describeResult({ content: [{ type: 'image', mimeType: 'image/png', data }] }).parts;
      expect(part?.kind, data).to.equal('notice');
    }
  });

  it('numbers the alt text of several images', () => {
    const image = { type: 'image' as const, mimeType: 'image/png', data: PNG_1PX };
    const alts = describeResult({ content: [image, image] }).parts.map((p) => (p.kind === 'image' ? p.alt : ''));
    expect(alts).to.deep.equal(['Image returned by the tool (1 of 2)', 'Image returned by the tool (2 of 2)']);
  });

  it('plays audio/* types only', () => {
    const [ok] = describeResult({ content: [{ type: 'audio', mimeType: 'audio/wav', data: 'UklGRg==' }] }).parts;
    expect(ok).to.deep.include({ kind: 'audio', src: 'data:audio/wav;base64,UklGRg==', mimeType: 'audio/wav' });
    for (const mimeType of ['video/mp4', 'audio/', 'audio/wav;codecs=1', 'text/html']) {
      const [part] = describeResult({ content: [{ type: 'audio', mimeType, data: 'UklGRg==' }] }).parts;
      expect(part?.kind, mimeType).to.equal('notice');
    }
  });

  it('keeps resource links as text fields (no fetch, no href)', () => {
    const [part] = describeResult({
      content: [{ type: 'resource_link', uri: 'javascript:alert(1)', name: 'n', title: 'Title', mimeType: 'text/plain', description: 'd' }],
    }).parts;
    expect(part).to.deep.equal({ kind: 'link', name: 'Title', uri: 'javascript:alert(1)', mimeType: 'text/plain', description: 'd' });
  });

  it('shows embedded text resources as text and withholds binary ones', () => {
    const parts = describeResult({
      content: [
        { type: 'resource', resource: { uri: 'note://1', mimeType: 'text/markdown', text: '# hi' } },
        { type: 'resource', resource: { uri: 'file://x.bin', mimeType: 'application/octet-stream', blob: 'AAAA' } },
      ],
    }).parts;
    expect(parts[0]).to.deep.equal({ kind: 'resource', uri: 'note://1', mimeType: 'text/markdown', text: '# hi' });
    expect(parts[1]).to.deep.equal({ kind: 'notice', text: 'Binary resource file://x.bin (application/octet-stream) not shown.' });
  });

  it('withholds unknown content types and survives a malformed result', () => {
    const weird = { content: [{ type: 'hologram' }, null] } as unknown as CallToolResult;
    expect(describeResult(weird).parts.map((p) => p.kind)).to.deep.equal(['notice', 'notice']);
    expect(describeResult({} as CallToolResult)).to.deep.equal({ isError: false, parts: [] });
  });

  it('pretty-prints structuredContent', () => {
    const view = describeResult({ content: [], structuredContent: { total: 3 } });
    expect(view.structured).to.equal('{\n  "total": 3\n}');
  });

  it('bounds pictures and sounds, and shows a binary resource that is one from its own data', () => {
    const big = 'A'.repeat(MAX_MEDIA_BASE64 + 4);
    const parts = describeResult({
      content: [
        { type: 'image', mimeType: 'image/png', data: big },
        { type: 'audio', mimeType: 'audio/wav', data: big },
        { type: 'resource', resource: { uri: 'notes://chart.png', mimeType: 'image/png', blob: PNG_1PX } },
        { type: 'resource', resource: { uri: 'notes://chime.wav', mimeType: 'audio/wav', blob: 'UklGRgAAAAA=' } },
      ],
    }).parts;
    expect(parts[0]).to.deep.equal({ kind: 'notice', text: 'Image not shown: it is larger than 8 MB.' });
    expect(parts[1]).to.deep.equal({ kind: 'notice', text: 'Audio not played: it is larger than 8 MB.' });
    expect(parts[2]).to.deep.equal({ kind: 'image', mimeType: 'image/png', src: `data:image/png;base64,${PNG_1PX}`, alt: 'notes://chart.png from the tool' });
    expect(parts[3]).to.deep.include({ kind: 'audio', src: 'data:audio/wav;base64,UklGRgAAAAA=' });
    expect(describeContent([{ type: 'text', text: 'x' }], { source: 'the server demo' })).to.deep.equal({ isError: false, parts: [{ kind: 'text', text: 'x' }] });
  });
});
