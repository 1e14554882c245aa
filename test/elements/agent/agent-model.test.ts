/**
 * <tg-agent> with a model: a `<tg-provider kind="openai">` child pointing at the scripted LLM
 * server (real HTTP + SSE), the gate and the demo MCP server. Sending text streams the answer
 * into the conversation and the model's tool call shows as a chip.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../../src/elements/agent/tg-agent.js';
import '../../../src/elements/provider/tg-provider.js';
import type { TgAgent } from '../../../src/elements/agent/tg-agent.js';
import type { TgApproval } from '../../../src/elements/approval/tg-approval.js';
import { TgMessageEvent } from '../../../src/events/tg-message.js';
import type { TgToolCallEvent } from '../../../src/events/tg-tool-call.js';
import type { TgTurnEndEvent } from '../../../src/events/tg-turn-end.js';
import { ManualProvider } from '../../../src/llm/manual-provider.js';
import { OpenAiCompatibleProvider } from '../../../src/llm/openai-compatible.js';
import { parseProviderAttributes } from '../../../src/elements/provider/provider-config.js';
import { taggedWsUrl, uniqueTag } from '../../support/env.js';
import { openAiTurn, recordedRequests, registerScript } from '../../support/llm/scripts.js';
import { WAIT, TRUST_DEMO, tenant, cleanupAgents, root, chips } from '../../support/agent-fixture.js';

async function ready(el: TgAgent): Promise<void> {
  await waitUntil(() => el.agentStatus === 'ready' && (el.gate?.tools({ kind: 'person' }).length ?? 0) > 0, 'agent ready with tools', WAIT);
  await el.updateComplete;
}

/** A ready `<tg-agent>` trusting the demo server, with an OpenAI-compatible `<tg-provider>` at `baseUrl`. */
async function openAiAgent(baseUrl: string, model = 'scripted'): Promise<TgAgent> {
  const el = await fixture<TgAgent>(
    html`<tg-agent tenant=${tenant()} .policy=${TRUST_DEMO}
      ><tg-provider kind="openai" base-url="${baseUrl}/v1" model=${model}></tg-provider
      ><tg-server url=${taggedWsUrl(uniqueTag('model'))}></tg-server
    ></tg-agent>`,
  );
  await ready(el);
  return el;
}

/** A ready `<tg-agent>` whose scripted model will ask to delete note 1 (the policy asks the person), then answer. */
async function agentAskedToDelete(tag: string): Promise<{ el: TgAgent; script: Awaited<ReturnType<typeof registerScript>> }> {
  const script = await registerScript([
    openAiTurn({ toolCalls: [{ id: `call_${tag}`, name: 'notes__delete_note', args: { id: 'note-1' } }] }),
    openAiTurn({ text: ['Understood, not deleted.'] }),
  ]);
  const el = await fixture<TgAgent>(
    html`<tg-agent tenant=${tenant()} .policy=${TRUST_DEMO}
      ><tg-provider kind="openai" base-url="${script.base}/v1" model="scripted"></tg-provider
      ><tg-server name="Notes" url=${taggedWsUrl(uniqueTag(tag))}></tg-server
    ></tg-agent>`,
  );
  await ready(el);
  return { el, script };
}

function typeAndEnter(el: TgAgent, text: string, shift = false): HTMLTextAreaElement {
  const input = root(el).querySelector<HTMLTextAreaElement>('[part~="input"]')!;
  input.value = text;
  input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', shiftKey: shift, bubbles: true, composed: true, cancelable: true }));
  return input;
}

describe('<tg-agent> with an OpenAI-compatible <tg-provider>', function () {
  this.timeout(60000);
  afterEach(cleanupAgents);

  // First in this file: no earlier test has loaded the cards.
  it('loads the approval card with the first call that needs it, and renders it upgraded', async () => {
    const { el } = await agentAskedToDelete('lazy');
    // First paint: the card's module is not part of it (this file never imports it).
    expect(customElements.get('tg-approval'), 'tg-approval before any call').to.equal(undefined);
    expect(customElements.get('tg-elicitation'), 'tg-elicitation before any request').to.equal(undefined);
    void el.send('Delete note 1');
    await waitUntil(() => root(el).querySelector('tg-approval'), 'approval card', WAIT);
    // Never in the page before it is defined: the card found is already an upgraded element.
    const card = root(el).querySelector<TgApproval>('tg-approval')!;
    expect(customElements.get('tg-approval')).to.not.equal(undefined);
    expect(card.shadowRoot, 'upgraded card').to.not.equal(null);
    await card.updateComplete;
    root(card).querySelector<HTMLButtonElement>('[part~="deny-button"]')!.click();
    await waitUntil(() => !el.agent?.busy, 'turn over', WAIT);
  });

  it('sends on Enter, streams the text, and shows the echo tool chip with its result', async () => {
    const script = await registerScript([
      openAiTurn({ text: ['Let me ', 'echo that.'], toolCalls: [{ id: 'call_1', name: 'notes__echo', args: { text: 'ping <b>' } }] }),
      openAiTurn({ text: ['The tool ', 'said: ', 'ping <b>'] }),
    ]);
    const deltas: string[] = [];
    const toolEvents: TgToolCallEvent[] = [];
    const ends: TgTurnEndEvent[] = [];
    const el = await fixture<TgAgent>(
      html`<tg-agent
        tenant=${tenant()}
        .policy=${TRUST_DEMO}
        @tg-message=${(e: TgMessageEvent) => e.detail.delta && deltas.push(e.detail.delta)}
        @tg-tool-call=${(e: TgToolCallEvent) => toolEvents.push(e)}
        @tg-turn-end=${(e: TgTurnEndEvent) => ends.push(e)}
        ><tg-provider kind="openai" base-url="${script.base}/v1" model="scripted"></tg-provider
        ><tg-server name="Notes" url=${taggedWsUrl(uniqueTag('model'))}></tg-server
      ></tg-agent>`,
    );
    await ready(el);
    expect(el.agent?.manual).to.equal(false);
    expect(root(el).querySelector('tg-manual-form'), 'no manual form with a model').to.equal(null);
    await expect(el).to.be.accessible();

    // Shift+Enter is a new line, not a send.
    typeAndEnter(el, 'Please echo', true);
    await el.updateComplete;
    expect(root(el).querySelectorAll('[part~="user-message"]')).to.have.length(0);
    const input = typeAndEnter(el, 'Please echo ping');
    expect(input.value).to.equal('');
    await waitUntil(() => ends.length === 1, 'turn ended', WAIT);
    await el.updateComplete;

    expect(root(el).querySelector('[part~="user-message"] .text')?.textContent).to.equal('Please echo ping');
    const answers = [...root(el).querySelectorAll<HTMLElement>('[part~="assistant-message"]')];
    // Markdown (or plain text until the renderer has loaded); the model's raw HTML is text either way.
    expect(answers.map((a) => a.querySelector('.text, .markdown')?.textContent?.trim())).to.deep.equal(['Let me echo that.', 'The tool said: ping <b>']);
    expect(answers[1]!.querySelector('b'), 'model text is text').to.equal(null);
    expect(deltas.join('')).to.equal('Let me echo that.The tool said: ping <b>');
    const [chip] = chips(el);
    expect(chip?.dataset['tool']).to.equal('notes__echo');
    expect(chip?.dataset['status']).to.equal('ok');
    expect(chip?.querySelector('[part~="tool-result"] .text-block')?.textContent).to.equal('ping <b>');
    expect(toolEvents.map((e) => e.detail.phase)).to.deep.equal(['start', 'end']);
    expect(ends[0]!.detail.reason).to.equal('done');
    expect(root(el).querySelector('[role="log"]')?.getAttribute('aria-live')).to.equal('polite');
    await expect(el).to.be.accessible();

    // The model saw the echo result; the key-less request carried no Authorization header.
    const requests = await recordedRequests(script.id);
    expect(requests).to.have.length(2);
    expect(requests[0]!.headers['authorization']).to.equal(undefined);
  });

  it('a model call to delete_note shows a card; Deny goes back to the model as a refusal', async () => {
    const { el, script } = await agentAskedToDelete('model');
    void el.send('Delete note 1');
    await waitUntil(() => root(el).querySelector('tg-approval'), 'approval card', WAIT);
    const card = root(el).querySelector<TgApproval>('tg-approval')!;
    await card.updateComplete;
    // The call waits for the person: "waiting for you", no running badge and no Stop until they answer.
    expect(root(el).querySelector('[part~="stop-button"]'), 'no Stop while the call waits for approval').to.equal(null);
    expect(chips(el)[0]?.dataset['status']).to.equal('waiting');
    // Titles where a person reads: the tool's title and the server's name, not the id.
    expect(chips(el)[0]?.querySelector('.chip-name')?.textContent).to.equal('Delete note');
    expect(chips(el)[0]?.querySelector('.chip-server')?.textContent).to.equal('on Notes');
    // The model's step that only called a tool left no empty Assistant bubble.
    expect(root(el).querySelectorAll('[part~="assistant-message"]').length).to.equal(0);
    await expect(el).to.be.accessible();
    root(card).querySelector<HTMLButtonElement>('[part~="deny-button"]')!.click();
    await waitUntil(() => !el.agent?.busy, 'turn over', WAIT);
    await el.updateComplete;
    expect(chips(el)[0]?.dataset['status']).to.equal('refused');
    const requests = await recordedRequests(script.id);
    const toolMessage = requests[1]!.body.messages.find((m) => m.role === 'tool');
    expect(String(toolMessage?.content)).to.contain('TG_APPROVAL_DENIED');
    expect(root(el).querySelector('[part~="stop-button"]')).to.equal(null);
  });

  it('Stop ends a hanging stream with TG_STOPPED', async () => {
    const script = await registerScript([openAiTurn({ text: ['Thinking'] }, { omitDone: true, end: 'hang' })]);
    const el = await openAiAgent(script.base);
    void el.send('Think');
    await waitUntil(() => root(el).querySelector('[part~="assistant-message"]')?.textContent?.includes('Thinking'), 'streamed text', WAIT);
    expect(root(el).querySelector('[role="log"]')?.getAttribute('aria-busy')).to.equal('true');
    root(el).querySelector<HTMLButtonElement>('[part~="stop-button"]')!.click();
    await waitUntil(() => root(el).querySelector('[part~="error-entry"][data-code="TG_STOPPED"]'), 'stopped', WAIT);
    expect(root(el).querySelector('[part~="assistant-message"]')?.getAttribute('data-status')).to.equal('stopped');
  });

  it('the provider property wins over <tg-provider>; removing both goes back to manual mode', async () => {
    const el = await openAiAgent('http://127.0.0.1:9', 'm');
    expect(el.agent?.provider).to.be.instanceOf(OpenAiCompatibleProvider);
    const host = new ManualProvider();
    el.provider = host;
    await el.updateComplete;
    expect(el.agent?.provider).to.equal(host);
    expect(root(el).querySelector('tg-manual-form')).to.not.equal(null);
    el.provider = undefined;
    await el.updateComplete;
    expect(el.agent?.provider).to.be.instanceOf(OpenAiCompatibleProvider);
    el.querySelector('tg-provider')!.remove();
    await waitUntil(() => el.agent?.manual === true, 'manual again', WAIT);
  });

  it('an invalid <tg-provider> is shown as TG_INVALID_CONFIG and parsed without throwing', async () => {
    const attrs = (a: Record<string, string>) => ({ getAttribute: (n: string) => a[n] ?? null, hasAttribute: (n: string) => n in a });
    expect(parseProviderAttributes(attrs({ kind: 'openai', model: 'm' })).configError?.code).to.equal('TG_INVALID_CONFIG');
    expect(parseProviderAttributes(attrs({ kind: 'gemini', model: 'm', 'base-url': 'https://x.example' })).configError?.message).to.contain('gemini');
    expect(parseProviderAttributes(attrs({ kind: 'openai', model: 'm', 'base-url': 'ftp://x' })).configError?.code).to.equal('TG_INVALID_CONFIG');
    expect(parseProviderAttributes(attrs({ kind: 'anthropic', model: 'claude' })).provider?.label).to.equal('vendor:anthropic');
    const withMedia = (media?: string) => (parseProviderAttributes(attrs({ kind: 'openai', model: 'm', 'base-url': 'https://x.example', ...(media !== undefined && { media }) })).provider as OpenAiCompatibleProvider).media;
    expect(withMedia('images audio')).to.deep.equal({ images: true, audio: true });
    expect(withMedia('none')).to.deep.equal({ images: false, audio: false });
    expect(withMedia('images')).to.deep.equal({ images: true, audio: false });
    expect(withMedia()).to.deep.equal({ images: false, audio: false }, 'not api.openai.com: no media unless declared');
    const el = await fixture<TgAgent>(html`<tg-agent tenant=${tenant()}><tg-provider kind="openai" model="m"></tg-provider></tg-agent>`);
    await el.ready;
    await el.updateComplete;
    expect(root(el).querySelector('[part~="agent-error"]')?.getAttribute('data-code')).to.equal('TG_INVALID_CONFIG');
    expect(el.agent?.manual).to.equal(true);
  });

  it('the model picker chooses among <tg-provider> children or no model, and the host can hide it', async () => {
    const el = await fixture<TgAgent>(
      html`<tg-agent tenant=${tenant()} .policy=${TRUST_DEMO}
        ><tg-provider kind="openai" base-url="http://127.0.0.1:9/v1" model="first"></tg-provider
        ><tg-provider kind="anthropic" base-url="http://127.0.0.1:9" model="second"></tg-provider
        ><tg-server url=${taggedWsUrl(uniqueTag('picker'))}></tg-server
      ></tg-agent>`,
    );
    await ready(el);
    const select = () => root(el).querySelector<HTMLSelectElement>('[part~="provider-picker"] select');
    const options = [...select()!.options].map((o) => o.textContent?.trim());
    expect(options).to.deep.equal(['first · 127.0.0.1:9', 'second · 127.0.0.1:9', 'No model: pick tools yourself']);
    expect((el.agent?.provider as OpenAiCompatibleProvider | undefined)?.model).to.equal('first');
    const pick = async (value: string) => {
      select()!.value = value;
      select()!.dispatchEvent(new Event('change'));
      await el.updateComplete;
    };
    await pick('1');
    expect(el.agent?.provider).to.not.be.instanceOf(OpenAiCompatibleProvider);
    expect((el.agent?.provider as { model?: string } | undefined)?.model).to.equal('second');
    await pick('-1');
    await waitUntil(() => el.agent?.manual === true, 'manual after picking no model', WAIT);
    await expect(el).to.be.accessible();
    el.noProviderPicker = true;
    await el.updateComplete;
    expect(select()).to.equal(null);
  });
});
