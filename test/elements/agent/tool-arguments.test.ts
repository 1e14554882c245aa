/** DOM-free: the argument text the person types, and the skeleton it starts from. */
import { expect } from '@esm-bundle/chai';
import { argumentSkeleton, parseToolArguments } from '../../../src/elements/agent/tool-arguments.js';
import { ErrorCode } from '../../../workers/shared/errors.js';


function thrown(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('expected a throw');
}

describe('parseToolArguments', () => {
  it('parses a JSON object', () => {
    expect(parseToolArguments('{"text": "hi", "n": 2, "nested": {"a": [1]}}')).to.deep.equal({ text: 'hi', n: 2, nested: { a: [1] } });
  });

  it('treats empty or blank text as {}', () => {
    expect(parseToolArguments('')).to.deep.equal({});
    expect(parseToolArguments('  \n ')).to.deep.equal({});
  });

  it('rejects text that is not JSON with TG_INVALID_ARGUMENTS', () => {
    const err = thrown(() => parseToolArguments('{text: hi}'));
    expect(err.code).to.equal('TG_INVALID_ARGUMENTS');
    expect(err.code).to.equal(ErrorCode.INVALID_ARGUMENTS);
    expect(err.message).to.match(/not valid JSON/);
  });

  for (const [text, got] of [
    ['[1, 2]', 'an array'],
    ['null', 'null'],
    ['42', 'a number'],
    ['"text"', 'a string'],
    ['true', 'a boolean'],
  ] as const) {
    it(`rejects ${text} (JSON but not an object), naming what it got`, () => {
      const err = thrown(() => parseToolArguments(text));
      expect(err.code).to.equal('TG_INVALID_ARGUMENTS');
      expect(err.message).to.contain(got);
    });
  }

  it('keeps a "__proto__" key as plain data', () => {
    const args = parseToolArguments('{"__proto__": {"polluted": true}}');
    expect(Object.keys(args)).to.deep.equal(['__proto__']);
    expect(({} as { polluted?: boolean }).polluted).to.equal(undefined);
  });
});

describe('argumentSkeleton', () => {
  it('is {} without properties', () => {
    expect(argumentSkeleton({ inputSchema: { type: 'object' } })).to.equal('{}');
    expect(argumentSkeleton({ inputSchema: { type: 'object', properties: {} } })).to.equal('{}');
    expect(argumentSkeleton({ inputSchema: { type: 'object', properties: 'nonsense' } })).to.equal('{}');
  });

  it('uses defaults, then const and enum, then an empty value of the type', () => {
    const text = argumentSkeleton({
      inputSchema: {
        type: 'object',
        properties: {
          count: { type: 'integer', minimum: 1 },
          delayMs: { type: 'integer', default: 100 },
          query: { type: 'string' },
          flag: { type: 'boolean' },
          ratio: { type: 'number' },
          tags: { type: 'array', items: { type: 'string' } },
          options: { type: 'object' },
          mode: { enum: ['fast', 'slow'] },
          fixed: { const: 'v1' },
          maybe: { type: ['null', 'string'] },
          unknown: {},
        },
      },
    });
    expect(JSON.parse(text)).to.deep.equal({
      count: 0,
      delayMs: 100,
      query: '',
      flag: false,
      ratio: 0,
      tags: [],
      options: {},
      mode: 'fast',
      fixed: 'v1',
      maybe: '',
      unknown: null,
    });
    expect(text).to.contain('\n  "count"'); // pretty-printed, so it is easy to edit
  });

  it('keeps a property named "__proto__" (the schema is untrusted) as a key', () => {
    const text = argumentSkeleton({ inputSchema: { type: 'object', properties: JSON.parse('{"__proto__": {"type": "string"}}') } });
    expect(text).to.contain('"__proto__": ""');
  });

  it('round-trips through parseToolArguments', () => {
    const text = argumentSkeleton({ inputSchema: { type: 'object', properties: { text: { type: 'string' } } } });
    expect(parseToolArguments(text)).to.deep.equal({ text: '' });
  });
});
