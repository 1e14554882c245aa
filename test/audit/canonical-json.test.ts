import { expect } from '@esm-bundle/chai';
import canonicalize from 'canonicalize';
import { canonicalJson } from '../../src/audit/canonical-json.js';

/** The package's answer: its string, or the message it throws. */
function packageSays(value: unknown): string | undefined {
  try {
    return canonicalize(value);
  } catch (err) {
    return `throws ${(err as Error).message}`;
  }
}
function oursSays(value: unknown): string | undefined {
  try {
    return canonicalJson(value);
  } catch (err) {
    return `throws ${(err as Error).message}`;
  }
}

describe('canonicalJson', () => {
  it('writes RFC 8785 canonical JSON: sorted keys by UTF-16 code units, shortest numbers, no whitespace', () => {
    expect(canonicalJson({ b: [1, 2.5, -0, 1e21, 1e-7], a: { z: true, y: null }, é: 'x', '\u00e0': 'y', 'A': '"\n\u001f' })).to.equal(
      '{"A":"\\"\\n\\u001f","a":{"y":null,"z":true},"b":[1,2.5,0,1e+21,1e-7],"à":"y","é":"x"}',
    );
  });

  it('gives the canonicalize package\'s answer on audit-like records and on every odd value', () => {
    const cycle: Record<string, unknown> = { a: 1 };
    cycle['self'] = cycle;
    let deep: unknown = 'bottom';
    for (let i = 0; i < 300; i++) deep = { [`k${i % 3}`]: [deep] };
    const values: unknown[] = [
      { v: 3, seq: 12, ts: 1764633600000, kind: 'call-start', callId: 'c-1', server: { url: 'wss://a.example/mcp' }, tool: { name: 'echo', definitionHash: 'ab'.repeat(32) }, args: { text: 'hello', n: [1, { x: null }] }, redactions: { count: 0, kinds: [] }, user: {}, agent: { id: 'x' }, device: 'd', prevHash: '0'.repeat(64) },
      { emoji: 'keys 🔐 and pairs', '🔑': 1 },
      { lone: 'a\uD800b' },
      { ['\uDC00']: 'lone key' },
      [1, undefined, 3],
      [Symbol('s')],
      { skipped: undefined, kept: 1, sym: Symbol('t') },
      { date: new Date(0), nested: { toJSON: () => ({ b: 2, a: 1 }) } },
      { n: Number.NaN },
      { n: Number.POSITIVE_INFINITY },
      { f: () => 1 },
      cycle,
      deep,
      'plain',
      42,
      null,
      true,
      [],
      {},
      new Map([['a', 1]]),
    ];
    for (const value of values) expect(oursSays(value), packageSays(value)).to.equal(packageSays(value));
  });
});
