/**
 * The manual provider's form model on the demo tools' real schemas (fetched with listTools() over
 * a real connection), and on the constructs they do not use (enums, nesting, nullables, $ref).
 */
import { expect } from '@esm-bundle/chai';
import { McpConnection } from '../../src/connections/connection.js';
import { formFromSchema, initialValues, valuesToArguments, type FieldError, type FormField, type FormValues, type ToolForm } from '../../src/llm/manual.js';
import type { Tool } from '../../workers/shared/wire.js';
import { taggedWsUrl, uniqueTag } from '../support/env.js';
import { ErrorCode } from '../../workers/shared/errors.js';

function invalid(form: ToolForm, values: FormValues): { code?: string; errors: FieldError[] } {
  try {
    valuesToArguments(form, values);
  } catch (err) {
    const e = err as { code?: string; data?: { errors: FieldError[] } };
    return { code: e.code, errors: e.data?.errors ?? [] };
  }
  throw new Error('expected invalid values');
}

const summary = (fields: FormField[]) => fields.map((f) => ({ key: f.key, kind: f.kind, required: f.required }));

describe('Manual form from the demo tools', () => {
  let connection: McpConnection;
  let tools: Map<string, Tool>;
  const form = (name: string) => formFromSchema(tools.get(name)!.inputSchema);

  before(async () => {
    connection = await McpConnection.open({ url: taggedWsUrl(uniqueTag('form')) });
    tools = new Map((await connection.listTools()).map((t) => [t.name, t]));
  });
  after(async () => {
    await connection.close();
  });

  it('echo: one required string', () => {
    expect(summary(form('echo').fields)).to.deep.equal([{ key: 'text', kind: 'string', required: true }]);
    expect(valuesToArguments(form('echo'), { text: 'hi' })).to.deep.equal({ text: 'hi' });
    const missing = invalid(form('echo'), {});
    expect(missing.code).to.equal(ErrorCode.FORM_INVALID);
    expect(missing.errors.map((e) => e.path)).to.deep.equal(['/text']);
  });

  it('search_notes and get_time: descriptions, and an optional field left out when empty', () => {
    const [query] = form('search_notes').fields;
    expect(query).to.deep.include({ kind: 'string', required: true, description: 'Words to look for', path: '/query', label: 'query' });
    const [zone] = form('get_time').fields;
    expect(zone).to.deep.include({ kind: 'string', required: false, description: 'IANA zone, e.g. Europe/Lisbon' });
    expect(valuesToArguments(form('get_time'), { timeZone: '' })).to.deep.equal({});
    expect(valuesToArguments(form('get_time'), { timeZone: 'Europe/Lisbon' })).to.deep.equal({ timeZone: 'Europe/Lisbon' });
  });

  it('count_slowly: integers with bounds and a default; text input parsed; out of range and fractions refused', () => {
    const f = form('count_slowly');
    expect(f.fields).to.have.length(2);
    expect(f.fields[0]).to.deep.include({ key: 'count', kind: 'integer', required: true, minimum: 1, maximum: 1000 });
    expect(f.fields[1]).to.deep.include({ key: 'delayMs', kind: 'integer', required: false, default: 100, minimum: 0, maximum: 5000 });
    expect(initialValues(f)).to.deep.equal({ count: '', delayMs: 100 });
    expect(valuesToArguments(f, { count: '5', delayMs: '' })).to.deep.equal({ count: 5 });
    expect(valuesToArguments(f, { count: 5, delayMs: 20 })).to.deep.equal({ count: 5, delayMs: 20 });
    const big = invalid(f, { count: '1001' });
    expect(big.errors).to.have.length(1);
    expect(big.errors[0]?.path).to.equal('/count');
    expect(invalid(f, { count: '2.5' }).errors).to.deep.equal([{ path: '/count', message: 'count must be a whole number' }]);
    expect(invalid(f, { count: 'many' }).errors).to.deep.equal([{ path: '/count', message: 'count must be a number' }]);
  });

  it('create_note: strings with lengths and an array of strings with a default', () => {
    const f = form('create_note');
    expect(summary(f.fields)).to.deep.equal([
      { key: 'title', kind: 'string', required: true },
      { key: 'body', kind: 'string', required: true },
      { key: 'tags', kind: 'array', required: false },
    ]);
    expect(f.fields[0]).to.deep.include({ minLength: 1, maxLength: 200 });
    const tags = f.fields[2];
    expect(tags?.kind === 'array' && tags.item).to.deep.include({ kind: 'string', path: '/tags/*' });
    expect(tags).to.deep.include({ maxItems: 10, default: [] });
    expect(valuesToArguments(f, { title: 'T', body: 'B', tags: ['a', 'b'] })).to.deep.equal({ title: 'T', body: 'B', tags: ['a', 'b'] });
    expect(invalid(f, { title: '', body: 'B' }).errors.map((e) => e.path)).to.deep.equal(['/title']);
  });

  it('add_numbers: an array of numbers; list_notes and render_chart: no fields', () => {
    const [numbers] = form('add_numbers').fields;
    expect(numbers?.kind === 'array' && numbers.item.kind).to.equal('number');
    expect(valuesToArguments(form('add_numbers'), { numbers: ['1', 2.5] })).to.deep.equal({ numbers: [1, 2.5] });
    expect(invalid(form('add_numbers'), { numbers: [] }).errors.map((e) => e.path)).to.deep.equal(['/numbers']);
    expect(form('list_notes').fields).to.deep.equal([]);
    expect(valuesToArguments(form('render_chart'), {})).to.deep.equal({});
  });
});

describe('Manual form: other schema constructs', () => {
  const schema = {
    type: 'object',
    $defs: { unit: { type: 'string', enum: ['celsius', 'fahrenheit'], title: 'Unit' } },
    properties: {
      unit: { $ref: '#/$defs/unit', default: 'celsius' },
      verbose: { type: 'boolean', description: 'More detail' },
      limit: { type: ['integer', 'null'] },
      where: {
        type: 'object',
        properties: { city: { type: 'string' }, country: { anyOf: [{ type: 'string', minLength: 2 }, { type: 'null' }] } },
        required: ['city'],
      },
      points: { type: 'array', items: { type: 'object', properties: { x: { type: 'number' }, y: { type: 'number' } }, required: ['x', 'y'] } },
      mode: { const: 'fast' },
      anything: { oneOf: [{ type: 'string' }, { type: 'number' }] },
    },
    required: ['unit', 'where'],
  };
  const f = formFromSchema(schema);
  const byKey = (key: string) => f.fields.find((x) => x.key === key)!;

  it('describes enums ($ref resolved), booleans, nullables, nested objects, arrays of objects, const, and a JSON fallback', () => {
    expect(byKey('unit')).to.deep.include({ kind: 'enum', label: 'Unit', required: true, default: 'celsius' });
    expect((byKey('unit') as { options: unknown[] }).options).to.deep.equal([
      { value: 'celsius', label: 'celsius' },
      { value: 'fahrenheit', label: 'fahrenheit' },
    ]);
    expect(byKey('verbose')).to.deep.include({ kind: 'boolean', description: 'More detail' });
    expect(byKey('limit')).to.deep.include({ kind: 'integer', nullable: true });
    const where = byKey('where');
    expect(where.kind === 'object' && summary(where.fields)).to.deep.equal([
      { key: 'city', kind: 'string', required: true },
      { key: 'country', kind: 'string', required: false },
    ]);
    expect(where.kind === 'object' && where.fields[1]).to.deep.include({ nullable: true, minLength: 2, path: '/where/country' });
    const points = byKey('points');
    expect(points.kind === 'array' && points.item.kind === 'object' && summary(points.item.fields)).to.deep.equal([
      { key: 'x', kind: 'number', required: true },
      { key: 'y', kind: 'number', required: true },
    ]);
    expect(byKey('mode')).to.deep.include({ kind: 'enum' });
    expect(byKey('anything')).to.deep.include({ kind: 'json' });
    expect(initialValues(f)).to.deep.equal({ unit: 'celsius', verbose: false, limit: '', where: { city: '', country: '' }, points: [], mode: undefined, anything: '' });
  });

  it('turns values into validated arguments with paths for every error', () => {
    const args = valuesToArguments(f, {
      unit: 'fahrenheit',
      verbose: true,
      limit: null,
      where: { city: 'Lisbon', country: '' },
      points: [{ x: '1', y: '2' }],
      mode: 'fast',
      anything: '42',
    });
    expect(args).to.deep.equal({ unit: 'fahrenheit', verbose: true, limit: null, where: { city: 'Lisbon' }, points: [{ x: 1, y: 2 }], mode: 'fast', anything: 42 });
    const bad = invalid(f, { unit: 'kelvin', where: { city: '' , country: 'P' }, points: [{ x: 1 }], anything: '{oops' });
    expect(bad.errors.map((e) => e.path).sort()).to.deep.equal(['/anything', '/unit']);
    const schemaErrors = invalid(f, { unit: 'celsius', where: { country: 'P' }, points: [{ x: 1 }] });
    expect(schemaErrors.errors.map((e) => e.path).sort()).to.deep.equal(['/points/0/y', '/where/city', '/where/country']);
  });

  it('a hostile schema never throws from formFromSchema; a self-referencing $ref ends as JSON', () => {
    const loop = formFromSchema({ type: 'object', $defs: { n: { type: 'object', properties: { next: { $ref: '#/$defs/n' } } } }, properties: { head: { $ref: '#/$defs/n' } } });
    let depth = 0;
    let node: FormField | undefined = loop.fields[0];
    while (node?.kind === 'object') {
      node = node.fields[0];
      depth++;
    }
    expect(node?.kind).to.equal('json');
    expect(depth).to.be.greaterThan(2);
    expect(formFromSchema({ type: 'object', properties: { __proto__: { type: 'string' } } } as never).fields).to.be.an('array');
    expect(formFromSchema({} as never).fields).to.deep.equal([]);
  });
});
