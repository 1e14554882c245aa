/**
 * <tg-manual-form> on its own: the fields generated for the demo server's real tool schemas
 * (read from the server with tools/list), inline coded validation errors, and the submit event.
 */
import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import '../../../src/elements/manual-form/tg-manual-form.js';
import type { TgManualForm } from '../../../src/elements/manual-form/tg-manual-form.js';
import type { TgManualSubmitEvent } from '../../../src/events/tg-manual-submit.js';
import { McpConnection } from '../../../src/connections/connection.js';
import type { Tool } from '../../../workers/shared/wire.js';
import type { GatedTool } from '../../../src/gate/tool-gate.js';
import { testEnv } from '../../support/env.js';
import { addItems, control, submitForm, typeInto } from '../../support/manual-form.js';

let demoTools: Tool[] = [];

const gated = (tool: Tool, serverId = 'demo'): GatedTool => ({
  id: `${serverId}__${tool.name}`,
  serverId,
  serverUrl: 'ws://127.0.0.1/mcp',
  tool,
  definitionHash: tool.name,
  displayName: tool.name,
});

const demo = (name: string) => {
  const tool = demoTools.find((t) => t.name === name);
  if (!tool) throw new Error(`demo tool ${name} missing`);
  return gated(tool);
};

const root = (el: TgManualForm) => el.shadowRoot!;
const field = (el: TgManualForm, pointer: string) => root(el).querySelector<HTMLElement>(`[data-field="${pointer}"]`);
const labelOf = (el: TgManualForm, input: Element) => root(el).querySelector(`label[for="${input.id}"]`)?.textContent?.replace(/\s+/g, ' ').trim();

async function formFor(tools: GatedTool[], pick?: string): Promise<{ el: TgManualForm; submitted: TgManualSubmitEvent[] }> {
  const submitted: TgManualSubmitEvent[] = [];
  const el = await fixture<TgManualForm>(html`<tg-manual-form .tools=${tools} @tg-manual-submit=${(e: TgManualSubmitEvent) => submitted.push(e)}></tg-manual-form>`);
  if (pick) {
    el.selectTool(pick);
    await el.updateComplete;
  }
  return { el, submitted };
}

describe('<tg-manual-form>', function () {
  this.timeout(30000);
  before(async () => {
    const connection = await McpConnection.open({ url: testEnv().wsUrl });
    demoTools = await connection.listTools();
    await connection.close();
  });
  afterEach(() => fixtureCleanup());

  it('lists the tools by server in a labelled picker; Run is disabled until one is picked', async () => {
    const { el } = await formFor([demo('search_notes'), demo('delete_note'), gated(demoTools[0]!, 'other')]);
    const picker = root(el).querySelector<HTMLSelectElement>('[part~="tool-picker"]')!;
    expect(labelOf(el, picker)).to.equal('Tool');
    expect([...picker.querySelectorAll('optgroup')].map((g) => g.label)).to.deep.equal(['demo', 'other']);
    expect(picker.querySelector('option[value="demo__search_notes"]')?.textContent?.trim()).to.equal('Search notes (search_notes)');
    expect(root(el).querySelector<HTMLButtonElement>('[part~="submit-button"]')!.disabled).to.equal(true);
    picker.value = 'demo__delete_note';
    picker.dispatchEvent(new Event('change'));
    await el.updateComplete;
    expect(el.state.tool?.id).to.equal('demo__delete_note');
    expect(root(el).querySelector('[part~="tool-description"]')?.textContent).to.equal('Permanently deletes a note by id.');
    await expect(el).to.be.accessible();
  });

  it('search_notes: one required text field with its description; submit fires the arguments', async () => {
    const { el, submitted } = await formFor([demo('search_notes')], 'demo__search_notes');
    const input = control(el, '/query')!;
    expect(input.type).to.equal('text');
    expect(labelOf(el, input)).to.equal('query*');
    expect(input.getAttribute('aria-required')).to.equal('true');
    const description = root(el).getElementById(input.getAttribute('aria-describedby')!);
    expect(description?.textContent).to.equal('Words to look for');
    await typeInto(el, '/query', 'lisbon');
    await submitForm(el);
    expect(submitted).to.have.length(1);
    expect(submitted[0]!.detail).to.deep.equal({ toolId: 'demo__search_notes', args: { query: 'lisbon' } });
    expect(submitted[0]!.bubbles && submitted[0]!.composed).to.equal(true);
  });

  it('create_note: short text as input, long text as textarea, and a list of strings with Add/Remove', async () => {
    const { el, submitted } = await formFor([demo('create_note')], 'demo__create_note');
    expect(control(el, '/title')?.tagName).to.equal('INPUT');
    expect(control(el, '/title')?.maxLength).to.equal(200);
    expect(control(el, '/body')?.tagName).to.equal('TEXTAREA');
    const tags = field(el, '/tags')!;
    expect(tags.tagName).to.equal('FIELDSET');
    expect(tags.querySelector('legend')?.textContent?.trim()).to.equal('tags');
    await addItems(el, '/tags', 2);
    await typeInto(el, '/tags/0', 'a');
    await typeInto(el, '/tags/1', 'b');
    expect(labelOf(el, control(el, '/tags/1')!)).to.equal('tags 2*');
    tags.querySelector<HTMLButtonElement>('.item button[aria-label="Remove tags 1"]')!.click();
    await el.updateComplete;
    await typeInto(el, '/title', 'T');
    await typeInto(el, '/body', 'B');
    await submitForm(el);
    expect(submitted[0]?.detail.args).to.deep.equal({ title: 'T', body: 'B', tags: ['b'] });
    await expect(el).to.be.accessible();
  });

  it('count_slowly: integer fields with bounds and the default prefilled; coded errors inline', async () => {
    const { el, submitted } = await formFor([demo('count_slowly')], 'demo__count_slowly');
    const count = control(el, '/count')!;
    expect([count.type, count.step, count.min, count.max]).to.deep.equal(['number', '1', '1', '1000']);
    expect(control(el, '/delayMs')?.value).to.equal('100');
    expect(labelOf(el, control(el, '/delayMs')!)).to.equal('delayMs'); // has a default, so not required
    await submitForm(el);
    expect(submitted).to.have.length(0);
    expect(root(el).querySelector('[part~="form-error"]')?.getAttribute('data-code')).to.equal('TG_FORM_INVALID');
    expect(field(el, '/count')?.querySelector('[part~="field-error"]')).to.not.equal(null);
    expect(count.getAttribute('aria-invalid')).to.equal('true');
    expect(count.getAttribute('aria-describedby')).to.contain(field(el, '/count')!.querySelector('[part~="field-error"]')!.id);
    expect(root(el).activeElement).to.equal(count);
    await expect(el).to.be.accessible();
    await typeInto(el, '/count', '5000');
    await submitForm(el);
    expect(field(el, '/count')?.querySelector('[part~="field-error"]')?.textContent).to.match(/1000/);
    await typeInto(el, '/count', '3');
    await submitForm(el);
    expect(submitted[0]?.detail.args).to.deep.equal({ count: 3, delayMs: 100 });
    expect(root(el).querySelector('[part~="form-error"]')).to.equal(null);
  });

  it('add_numbers (array of numbers), get_time (optional string), list_notes (no arguments)', async () => {
    const { el, submitted } = await formFor([demo('add_numbers'), demo('get_time'), demo('list_notes')], 'demo__add_numbers');
    field(el, '/numbers')!.querySelector<HTMLButtonElement>(':scope > .actions button')!.click();
    await el.updateComplete;
    expect(control(el, '/numbers/0')?.type).to.equal('number');
    await typeInto(el, '/numbers/0', '1.5');
    await submitForm(el);
    expect(submitted.at(-1)?.detail.args).to.deep.equal({ numbers: [1.5] });

    el.selectTool('demo__get_time');
    await el.updateComplete;
    expect(labelOf(el, control(el, '/timeZone')!)).to.equal('timeZone');
    await submitForm(el);
    expect(submitted.at(-1)?.detail.args).to.deep.equal({});

    el.selectTool('demo__list_notes');
    await el.updateComplete;
    expect(root(el).textContent).to.contain('This tool takes no arguments.');
    await submitForm(el);
    expect(submitted.at(-1)?.detail).to.deep.equal({ toolId: 'demo__list_notes', args: {} });
  });

  it('booleans, enums, nested objects and unmodelled schemas (JSON text)', async () => {
    const tool: Tool = {
      name: 'configure',
      inputSchema: {
        type: 'object',
        required: ['mode', 'options'],
        properties: {
          dryRun: { type: 'boolean', default: true, description: 'Only <b>pretend</b>' },
          mode: { enum: ['fast', 'safe'], title: 'Mode' },
          options: { type: 'object', required: ['level'], properties: { level: { type: 'integer' }, note: { type: 'string' } } },
          extra: { oneOf: [{ type: 'string' }, { type: 'number' }] },
        },
      },
    };
    const { el, submitted } = await formFor([gated(tool)], 'demo__configure');
    const dry = control(el, '/dryRun')!;
    expect([dry.type, dry.checked]).to.deep.equal(['checkbox', true]);
    expect(field(el, '/dryRun')?.querySelector('.description')?.textContent).to.equal('Only <b>pretend</b>');
    expect(field(el, '/dryRun')?.querySelector('b'), 'descriptions are text').to.equal(null);
    const mode = control(el, '/mode') as unknown as HTMLSelectElement;
    expect([...mode.options].map((o) => o.textContent?.trim())).to.deep.equal(['Choose…', 'fast', 'safe']);
    expect(labelOf(el, mode)).to.equal('Mode*');
    expect(field(el, '/options')?.tagName).to.equal('FIELDSET');
    expect(control(el, '/options/level')?.type).to.equal('number');
    expect(control(el, '/extra')?.tagName).to.equal('TEXTAREA');
    expect(field(el, '/extra')?.textContent).to.contain('JSON');

    await submitForm(el);
    expect(submitted).to.have.length(0);
    expect(field(el, '/mode')?.querySelector('[part~="field-error"]')).to.not.equal(null);

    mode.value = '1';
    mode.dispatchEvent(new Event('change'));
    dry.click();
    await typeInto(el, '/options/level', '2');
    await typeInto(el, '/extra', '42');
    await el.updateComplete;
    await submitForm(el);
    expect(submitted[0]?.detail.args).to.deep.equal({ dryRun: false, mode: 'safe', options: { level: 2 }, extra: 42 });
    await expect(el).to.be.accessible();
  });

  it('keeps a "__proto__" property of an untrusted schema as a plain key', async () => {
    const tool: Tool = { name: 'odd', inputSchema: JSON.parse('{"type":"object","properties":{"__proto__":{"type":"object","properties":{"polluted":{"type":"string"}}}}}') };
    const { el } = await formFor([gated(tool)], 'demo__odd');
    el.state.set(['__proto__', 'polluted'], 'yes');
    expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
  });
});
