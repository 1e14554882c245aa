/**
 * Declarative page tools: `<form toolname tooldescription>` (WebMCP's declarative shape) as a page
 * tool — the schema read from its controls, a call filling them, submission answered through
 * `event.respondWith`, a submission nobody handled stopped before it leaves the page, a form
 * without `toolautosubmit` left for the person, and forms followed as the page changes.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { formTool, schemaFromForm, watchToolForms } from '../../src/page/form-tools.js';
import { PageTools } from '../../src/page/page-tools.js';

async function form(markup: ReturnType<typeof html>): Promise<HTMLFormElement> {
  const host = await fixture<HTMLDivElement>(html`<div>${markup}</div>`);
  return host.querySelector('form')!;
}

describe('form tools (declarative)', () => {
  it('reads the input schema from the form’s named controls', async () => {
    const f = await form(html`<form toolname="search_flights" tooldescription="Searches flights">
      <label>From <input name="origin" required minlength="3" maxlength="3" pattern="[A-Z]+" /></label>
      <input name="when" type="date" toolparamdescription="Departure day" />
      <input name="seats" type="number" min="1" max="9" />
      <select name="cabin"><option value="economy">Economy</option><option value="business">Business</option></select>
      <label><input type="checkbox" name="flexible" /> Flexible</label>
      <input type="radio" name="stops" value="direct" /><input type="radio" name="stops" value="any" />
      <textarea name="notes"></textarea>
      <input type="password" name="secret" /><input type="hidden" name="csrf" value="x" /><input name="off" disabled />
      <button>Search</button>
    </form>`);
    expect(schemaFromForm(f)).to.deep.equal({
      type: 'object',
      properties: {
        origin: { type: 'string', minLength: 3, maxLength: 3, pattern: '^(?:[A-Z]+)$', description: 'From' },
        when: { type: 'string', format: 'date', description: 'Departure day' },
        seats: { type: 'integer', minimum: 1, maximum: 9 },
        cabin: { type: 'string', enum: ['economy', 'business'] },
        flexible: { type: 'boolean', description: 'Flexible' },
        stops: { type: 'string', enum: ['direct', 'any'] },
        notes: { type: 'string' },
      },
      required: ['origin'],
      additionalProperties: false,
    });
    expect(formTool(f)).to.deep.include({ name: 'search_flights', description: 'Searches flights' });
  });

  it('fills and submits with toolautosubmit; the page answers with respondWith', async () => {
    const f = await form(html`<form toolname="add_note" tooldescription="Adds a note" toolautosubmit action="/never">
      <input name="title" required /><button>Add</button>
    </form>`);
    const seen: { agentInvoked?: boolean; title: string }[] = [];
    f.addEventListener('submit', (event) => {
      const e = event as SubmitEvent & { agentInvoked?: boolean; respondWith?: (p: unknown) => void };
      seen.push({ agentInvoked: e.agentInvoked, title: (f.elements.namedItem('title') as HTMLInputElement).value });
      e.respondWith?.(Promise.resolve({ content: [{ type: 'text', text: 'Added.' }] }));
    });
    const tools = new PageTools();
    tools.registerTool(formTool(f)!);
    expect(await tools.callTool('add_note', { title: 'Milk' })).to.deep.equal({ content: [{ type: 'text', text: 'Added.' }] });
    expect(seen).to.deep.equal([{ agentInvoked: true, title: 'Milk' }]);
    // Invalid arguments never touch the form.
    const refused = await tools.callTool('add_note', { title: 7 } as never);
    expect(refused.isError).to.equal(true);
    expect(seen).to.have.length(1);
  });

  it('stops a submission nobody handled (it would leave the page); without toolautosubmit the person submits', async () => {
    const f = await form(html`<form toolname="leave" tooldescription="Would navigate" toolautosubmit action="/elsewhere"><input name="q" /></form>`);
    const tools = new PageTools();
    tools.registerTool(formTool(f)!);
    const result = await tools.callTool('leave', { q: 'x' });
    expect(result.content[0]).to.deep.include({ type: 'text' });
    expect(JSON.stringify(result)).to.contain('would leave the page');
    expect(location.pathname).not.to.equal('/elsewhere');

    const manual = await form(html`<form toolname="review" tooldescription="Person submits"><input name="q" /><button type="submit">Go</button></form>`);
    let submitted = false;
    manual.addEventListener('submit', (e) => {
      submitted = true;
      e.preventDefault();
    });
    tools.registerTool(formTool(manual)!);
    const left = await tools.callTool('review', { q: 'filled' });
    expect(JSON.stringify(left)).to.contain('the person checks it and submits it');
    expect((manual.elements.namedItem('q') as HTMLInputElement).value).to.equal('filled');
    expect(submitted).to.equal(false);
    expect(manual.ownerDocument.activeElement).to.equal(manual.querySelector('button'));
  });

  it('follows the page: forms added, renamed and removed', async () => {
    const host = await fixture<HTMLDivElement>(html`<div></div>`);
    const tools = new PageTools();
    const stop = watchToolForms(host, tools);
    const names = () => tools.tools.map((t) => t.name);
    const until = async (want: string[]) => {
      for (let i = 0; i < 200 && JSON.stringify(names()) !== JSON.stringify(want); i++) await new Promise((r) => setTimeout(r, 10));
      expect(names()).to.deep.equal(want);
    };
    host.innerHTML = '<form toolname="one" tooldescription="First"><input name="a"></form>';
    await until(['one']);
    host.querySelector('form')!.setAttribute('toolname', 'uno');
    await until(['uno']);
    host.innerHTML = '';
    await until([]);
    host.innerHTML = '<form toolname="bad name" tooldescription="x"></form><form toolname="two" tooldescription="Second"></form>';
    await until(['two']);
    stop();
    expect(names()).to.deep.equal([]);
  });
});
