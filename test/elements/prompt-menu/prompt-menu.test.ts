/**
 * `<tg-prompt-menu>` on its own, over a real connection to the demo server: the `/` menu's
 * options and keyboard, the argument form with the server's completion, the prompt's messages in
 * the composer's context, and axe checks.
 */
import { expect, html, waitUntil } from '@open-wc/testing';
import '../../../src/elements/prompt-menu/tg-prompt-menu.js';
import type { TgPromptMenu } from '../../../src/elements/prompt-menu/tg-prompt-menu.js';
import { closeDemos, pickerFixture, root, WAIT } from '../../support/picker-fixture.js';

afterEach(closeDemos);

describe('<tg-prompt-menu>', function () {
  this.timeout(30000);
  it('offers the servers’ prompts for what follows /; keyboard moves and chooses; arguments complete; the messages go to the composer', async () => {
    const { el, composer, closed } = await pickerFixture<TgPromptMenu>(
      (server, composer) => html`<tg-prompt-menu .servers=${[server]} .composer=${composer} query=""></tg-prompt-menu>`,
    );
    await waitUntil(() => root(el).querySelectorAll('[part="prompt-option"]').length === 2, 'two prompts', WAIT);
    await expect(el).to.be.accessible();
    el.query = 'demo:notes';
    await el.updateComplete;
    const options = () => [...root(el).querySelectorAll('[part="prompt-option"]')];
    expect(options().map((o) => o.querySelector('.command')?.textContent)).to.deep.equal(['/demo:notes_by_tag']);
    el.query = '';
    await el.updateComplete;
    el.move(1);
    await el.updateComplete;
    expect(options()[1]!.getAttribute('aria-selected')).to.equal('true');
    el.move(1); // wraps
    el.move(-1);
    await el.updateComplete;
    expect(options()[1]!.getAttribute('aria-selected')).to.equal('true');
    el.choose();
    await waitUntil(() => root(el).querySelector('.prompt-form input'), 'the argument form', WAIT);
    const input = root(el).querySelector<HTMLInputElement>('.prompt-form input')!;
    expect(el.choosing).to.equal(true);
    expect(root(el).querySelector<HTMLButtonElement>('.prompt-form [type="submit"]')!.disabled).to.equal(true); // tag is required
    input.value = 'w';
    input.dispatchEvent(new Event('input'));
    await waitUntil(() => root(el).querySelector('[part="suggestion"]'), 'a suggestion', WAIT);
    await expect(el).to.be.accessible();
    root(el).querySelector<HTMLButtonElement>('[part="suggestion"]')!.click();
    await el.updateComplete;
    root(el).querySelector<HTMLButtonElement>('.prompt-form [type="submit"]')!.click();
    expect(closed).to.deep.equal([{ picker: 'prompts', reason: 'added' }]);
    await waitUntil(() => composer.items[0]?.state === 'ready', 'the prompt ran', WAIT);
    expect(composer.items[0]).to.deep.include({ kind: 'prompt', name: 'notes_by_tag', title: 'Notes by tag' });
    expect(JSON.stringify(composer.items[0]!.messages)).to.contain('Quarterly planning'); // a note tagged work
  });
});
