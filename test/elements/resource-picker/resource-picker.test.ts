/**
 * `<tg-resource-picker>` on its own, over a real connection to the demo server: listing, search,
 * a template filled with the server's completion (debounced: counted at the server), attaching
 * through the composer's context, and axe checks.
 */
import { expect, html, waitUntil } from '@open-wc/testing';
import '../../../src/elements/resource-picker/tg-resource-picker.js';
import type { TgResourcePicker } from '../../../src/elements/resource-picker/tg-resource-picker.js';
import { control } from '../../support/env.js';
import { closeDemos, pickerFixture, root, WAIT } from '../../support/picker-fixture.js';

afterEach(closeDemos);

const picker = () => pickerFixture<TgResourcePicker>((server, composer) => html`<tg-resource-picker .servers=${[server]} .composer=${composer}></tg-resource-picker>`);

describe('<tg-resource-picker>', function () {
  this.timeout(30000);
  it('lists and searches resources; attaching one puts it in the composer, labelled by its server', async () => {
    const { el, server, composer, closed } = await picker();
    await waitUntil(() => root(el).querySelectorAll('[part="resource-option"]').length === 2, 'two resources', WAIT);
    expect(root(el).activeElement?.getAttribute('part')).to.equal('search');
    await expect(el).to.be.accessible();
    const search = root(el).querySelector<HTMLInputElement>('[part="search"]')!;
    search.value = 'chart';
    search.dispatchEvent(new Event('input'));
    await el.updateComplete;
    const options = [...root(el).querySelectorAll<HTMLButtonElement>('[part="resource-option"]')];
    expect(options.map((o) => o.querySelector('.title')?.textContent)).to.deep.equal(['Notes chart']);
    options[0]!.click();
    expect(closed).to.deep.equal([{ picker: 'resources', reason: 'added' }]);
    await waitUntil(() => composer.items[0]?.state === 'ready', 'the chart is read', WAIT);
    const [item] = composer.take();
    expect(item).to.deep.include({ kind: 'resource', name: 'notes://chart.png', title: 'Notes chart', role: 'user', server: { id: 'demo', url: server.url } });
    expect(item!.content[0]).to.have.nested.property('resource.mimeType', 'image/png');
  });

  it('fills a template with the server’s suggestions (one debounced request for a burst of keys) and attaches the expanded URI', async () => {
    const { el, tag, composer } = await picker();
    await waitUntil(() => root(el).querySelector('[aria-expanded]'), 'the template', WAIT);
    root(el).querySelector<HTMLButtonElement>('[aria-expanded]')!.click();
    await el.updateComplete;
    await waitUntil(() => root(el).querySelector('.template-form input'), 'the variable field', WAIT);
    const input = root(el).querySelector<HTMLInputElement>('.template-form input')!;
    await waitUntil(() => root(el).activeElement === input, 'focus in the field', WAIT);
    // Focus asks for the empty value's suggestions: every id.
    await waitUntil(() => root(el).querySelectorAll('[part="suggestion"]').length === 5, 'suggestions on focus', WAIT);
    const before = ((await control<Record<string, number>>(`/__test/calls?tag=${tag}`))['completion/complete'] ?? 0);
    for (const value of ['n', 'no', 'not', 'note', 'note-', 'note-4']) {
      input.value = value;
      input.dispatchEvent(new Event('input'));
    }
    await waitUntil(() => root(el).querySelector('[part="suggestion"]') === null && root(el).querySelector('form')?.textContent?.includes('notes://note/note-4'), 'the expanded URI', WAIT);
    input.value = 'note-';
    input.dispatchEvent(new Event('input'));
    await waitUntil(() => root(el).querySelectorAll('[part="suggestion"]').length === 5, 'five suggestions', WAIT);
    const calls = await control<Record<string, number>>(`/__test/calls?tag=${tag}`);
    // The burst of six keys asked once, the last key once.
    expect((calls['completion/complete'] ?? 0) - before).to.equal(2);
    await expect(el).to.be.accessible();
    root(el).querySelectorAll<HTMLButtonElement>('[part="suggestion"]')[2]!.click();
    await el.updateComplete;
    root(el).querySelector<HTMLButtonElement>('form [type="submit"]')!.click();
    await waitUntil(() => composer.items[0]?.state === 'ready', 'the note is read', WAIT);
    expect(composer.items[0]).to.deep.include({ name: 'notes://note/note-3', title: 'A note' });
    expect(JSON.stringify(composer.items[0]!.messages)).to.contain('Meeting with Priya');
  });

  it('Escape closes it without attaching', async () => {
    const { el, composer, closed } = await picker();
    root(el).querySelector('[part="search"]')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }));
    expect(closed).to.deep.equal([{ picker: 'resources', reason: 'dismissed' }]);
    expect(composer.items).to.deep.equal([]);
  });
});
