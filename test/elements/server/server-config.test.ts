/** DOM-free: server declarations from attributes or the `servers` property, and their keys. */
import { expect } from '@esm-bundle/chai';
import { parseServerAttributes } from '../../../src/elements/server/server-config.js';
import { declareServer, serverKey, serverLabel } from '../../../src/runtime/server-spec.js';

/** Anything with getAttribute/hasAttribute: no DOM needed. */
function attrs(values: Record<string, string>) {
  return {
    getAttribute: (name: string) => (name in values ? (values[name] ?? null) : null),
    hasAttribute: (name: string) => name in values,
  };
}

describe('parseServerAttributes', () => {
  it('reads every attribute', () => {
    const declaration = parseServerAttributes(
      attrs({ url: ' ws://127.0.0.1:9/mcp ', transport: 'websocket', msgpack: '', name: 'Notes', 'max-frame-bytes': '1024', 'request-timeout-ms': '500' }),
    );
    expect(declaration).to.deep.equal({
      spec: { url: 'ws://127.0.0.1:9/mcp', transport: 'websocket', msgpack: true, name: 'Notes', maxFrameBytes: 1024, requestTimeoutMs: 500 },
    });
  });

  it('defaults to websocket without msgpack', () => {
    expect(parseServerAttributes(attrs({ url: 'wss://a.example/mcp' }))).to.deep.equal({ spec: { url: 'wss://a.example/mcp' } });
    expect(parseServerAttributes(attrs({ url: 'https://a.example/mcp', transport: 'http' }))).to.deep.equal({ spec: { url: 'https://a.example/mcp', transport: 'http' } });
  });

  it('treats msgpack="false" as present (a boolean attribute)', () => {
    expect(parseServerAttributes(attrs({ url: 'wss://a/', msgpack: 'false' })).spec.msgpack).to.equal(true);
  });

  it('reports every bad attribute as TG_INVALID_CONFIG', () => {
    const { configError } = parseServerAttributes(attrs({ transport: 'carrier-pigeon', 'max-frame-bytes': 'lots', 'request-timeout-ms': '-5' }));
    expect(configError?.code).to.equal('TG_INVALID_CONFIG');
    expect(configError?.message).to.contain('url is missing');
    expect(configError?.message).to.contain('transport "carrier-pigeon"');
    expect(configError?.message).to.contain('max-frame-bytes must be a positive integer (got "lots")');
    expect(configError?.message).to.contain('request-timeout-ms');
  });

  it('rejects fractional numbers', () => {
    expect(parseServerAttributes(attrs({ url: 'wss://a/', 'max-frame-bytes': '1.5' })).configError?.code).to.equal('TG_INVALID_CONFIG');
  });
});

describe('declareServer', () => {
  it('copies a valid spec', () => {
    const spec = { url: 'wss://a/', msgpack: true, name: 'A' };
    const declaration = declareServer(spec);
    expect(declaration).to.deep.equal({ spec });
    expect(declaration.spec).not.to.equal(spec);
  });

  it('flags an entry without url', () => {
    expect(declareServer({ url: '' }).configError?.code).to.equal('TG_INVALID_CONFIG');
    expect(declareServer(null as never).configError?.code).to.equal('TG_INVALID_CONFIG');
  });
});

describe('serverKey and serverLabel', () => {
  it('ignores the label, so renaming does not reconnect', () => {
    expect(serverKey({ spec: { url: 'wss://a/', name: 'A' } })).to.equal(serverKey({ spec: { url: 'wss://a/', name: 'B' } }));
  });

  it('changes with anything the connection depends on', () => {
    const base = serverKey({ spec: { url: 'wss://a/' } });
    expect(serverKey({ spec: { url: 'wss://a/', transport: 'auto' } })).to.equal(base);
    for (const spec of [
      { url: 'wss://b/' },
      { url: 'wss://a/', msgpack: true },
      { url: 'wss://a/', maxFrameBytes: 10 },
      { url: 'wss://a/', requestTimeoutMs: 10 },
      { url: 'wss://a/', allowInsecure: true },
    ]) {
      expect(serverKey({ spec }), JSON.stringify(spec)).not.to.equal(base);
    }
    expect(serverKey({ spec: { url: 'wss://a/' }, configError: { message: 'x' } })).not.to.equal(base);
  });

  it('labels with the name, else the url', () => {
    expect(serverLabel({ url: 'wss://a/', name: 'A' })).to.equal('A');
    expect(serverLabel({ url: 'wss://a/' })).to.equal('wss://a/');
  });
});
