import { expect } from '@esm-bundle/chai';
import { encodeHeaderValue, headerText, paramHeaders, standardHeaders, toolHeaderSpec } from '../../../workers/protocol/headers.js';
import type { JsonObject } from '../../../workers/shared/wire.js';

const toolWith = (properties: JsonObject, name = 't') => ({ name, inputSchema: { type: 'object', properties } });
const reason = (properties: JsonObject) => {
  const spec = toolHeaderSpec(toolWith(properties));
  return spec.ok ? undefined : spec.reason;
};

describe('x-mcp-header encoding (streamable-http.mdx §Value Encoding)', () => {
  it('sends plain ASCII as is, inner spaces included', () => {
    expect(encodeHeaderValue('us-west1')).to.equal('us-west1');
    expect(encodeHeaderValue('us west 1')).to.equal('us west 1');
    expect(encodeHeaderValue('')).to.equal('');
  });

  it('base64-encodes the spec examples exactly', () => {
    expect(encodeHeaderValue('Hello, 世界')).to.equal('=?base64?SGVsbG8sIOS4lueVjA==?=');
    expect(encodeHeaderValue(' padded ')).to.equal('=?base64?IHBhZGRlZCA=?=');
    expect(encodeHeaderValue('line1\nline2')).to.equal('=?base64?bGluZTEKbGluZTI=?=');
    expect(encodeHeaderValue('=?base64?literal?=')).to.equal('=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?=');
  });

  it('base64-encodes tabs, CR/LF, and leading or trailing space', () => {
    for (const value of ['\tindented', 'line1\r\nline2', ' us-west1', 'us-west1 ']) {
      const encoded = encodeHeaderValue(value);
      expect(encoded).to.match(/^=\?base64\?.*\?=$/);
      const bytes = Uint8Array.from(atob(encoded.slice(9, -2)), (c) => c.charCodeAt(0));
      expect(new TextDecoder().decode(bytes)).to.equal(value);
    }
  });

  it('converts integers and booleans, and omits null, absent, floats and objects', () => {
    expect(headerText(42)).to.equal('42');
    expect(headerText(-7)).to.equal('-7');
    expect(headerText(false)).to.equal('false');
    expect(headerText(true)).to.equal('true');
    for (const v of [null, undefined, 3.14, { a: 1 }, [1], 2 ** 60]) expect(headerText(v)).to.equal(undefined);
  });
});

describe('x-mcp-header validation (server/tools.mdx)', () => {
  it('accepts primitive properties, nested through properties only', () => {
    const spec = toolHeaderSpec(
      toolWith({
        region: { type: 'string', 'x-mcp-header': 'Region' },
        n: { type: 'integer', 'x-mcp-header': 'N' },
        opts: { type: 'object', properties: { dry: { type: 'boolean', 'x-mcp-header': 'Dry-Run' } } },
        plain: { type: 'number' },
      }),
    );
    expect(spec).to.deep.equal({
      ok: true,
      params: [
        { name: 'Region', path: ['region'] },
        { name: 'N', path: ['n'] },
        { name: 'Dry-Run', path: ['opts', 'dry'] },
      ],
    });
  });

  it('rejects every invalid form the conformance suite serves', () => {
    expect(reason({ v: { type: 'string', 'x-mcp-header': '' } })).to.match(/empty/);
    expect(reason({ v: { type: 'object', 'x-mcp-header': 'Data' } })).to.match(/type/);
    expect(reason({ v: { type: 'array', items: { type: 'string' }, 'x-mcp-header': 'Items' } })).to.match(/type/);
    expect(reason({ v: { type: 'null', 'x-mcp-header': 'Nil' } })).to.match(/type/);
    expect(reason({ v: { type: 'number', 'x-mcp-header': 'F' } })).to.match(/type/);
    expect(reason({ a: { type: 'string', 'x-mcp-header': 'Region' }, b: { type: 'string', 'x-mcp-header': 'Region' } })).to.match(/unique/);
    expect(reason({ a: { type: 'string', 'x-mcp-header': 'MyField' }, b: { type: 'string', 'x-mcp-header': 'myfield' } })).to.match(/unique/);
    for (const bad of ['My Region', 'Region:Primary', 'Région', 'Region\t1', 'a\r\nb']) {
      expect(reason({ v: { type: 'string', 'x-mcp-header': bad } }), bad).to.match(/token/);
    }
  });

  it('rejects headers that are not statically reachable', () => {
    expect(reason({ list: { type: 'array', items: { type: 'object', properties: { x: { type: 'string', 'x-mcp-header': 'X' } } } } })).to.match(/items/);
    expect(reason({ u: { anyOf: [{ type: 'string', 'x-mcp-header': 'U' }] } })).to.match(/anyOf/);
    const viaDefs = toolHeaderSpec({
      name: 't',
      inputSchema: { type: 'object', $defs: { r: { type: 'string', 'x-mcp-header': 'R' } }, properties: { r: { $ref: '#/$defs/r' } } },
    });
    expect(viaDefs.ok).to.equal(false);
  });

  it('leaves tools without annotations alone, whatever their schema uses', () => {
    const spec = toolHeaderSpec({
      name: 't',
      inputSchema: { type: 'object', $defs: { a: { type: 'string' } }, allOf: [{ anyOf: [{}] }], if: {}, then: {}, else: {} },
    });
    expect(spec).to.deep.equal({ ok: true, params: [] });
  });
});

describe('request headers', () => {
  it('mirrors annotated arguments, omitting null and absent values', () => {
    const params = [
      { name: 'Region', path: ['region'] },
      { name: 'Verbose', path: ['verbose'] },
      { name: 'Missing', path: ['missing'] },
      { name: 'Deep', path: ['o', 'd'] },
    ];
    expect(paramHeaders(params, { region: 'us-east1', verbose: null, o: { d: 7 }, query: 'SELECT 1' })).to.deep.equal({
      'mcp-param-region': 'us-east1',
      'mcp-param-deep': '7',
    });
  });

  it('derives MCP-Protocol-Version, Mcp-Method and Mcp-Name from the body', () => {
    const meta = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' };
    expect(standardHeaders({ method: 'tools/call', params: { name: 'my-tool', _meta: meta } })).to.deep.equal({
      'mcp-method': 'tools/call',
      'mcp-protocol-version': '2026-07-28',
      'mcp-name': 'my-tool',
    });
    expect(standardHeaders({ method: 'resources/read', params: { uri: 'file:///a%20b.txt' } })['mcp-name']).to.equal('file:///a%20b.txt');
    expect(standardHeaders({ method: 'prompts/get', params: { name: 'grüß' } })['mcp-name']).to.match(/^=\?base64\?/);
    expect(standardHeaders({ method: 'tools/list' })).to.deep.equal({ 'mcp-method': 'tools/list' });
  });
});
