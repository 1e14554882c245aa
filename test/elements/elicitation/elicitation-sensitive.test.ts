/**
 * Sensitive form elicitation (#15 point 5), end to end: the "forms" test server
 * (test/support/servers/firewall.mjs) asks for a password in a form over real Streamable HTTP; the
 * worker marks the field, the runtime's server registry declines by default (the gate's policy,
 * `elicitation.sensitiveFields`) and lists the request only for a card that explains it; with the
 * policy switch the card masks the field, never prefills it, and warns naming the server. Calls go
 * through a gate over an in-memory audit sink.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../../src/elements/elicitation/tg-elicitation.js';
import type { TgElicitation } from '../../../src/elements/elicitation/tg-elicitation.js';
import type { ToolCallOutcome } from '../../../src/gate/tool-gate.js';
import { ServerRegistry } from '../../../src/runtime/servers.js';
import { testEnv } from '../../support/env.js';
import { TRUST_ALL, memoryGate } from '../../support/memory-audit.js';
import { closedAfterEach } from '../../support/cleanup.js';

const WAIT = { timeout: 15_000 };
const registries = closedAfterEach<ServerRegistry>();

async function formsServer(sensitiveFields: 'refuse' | 'allow' | undefined) {
  const { gate } = await memoryGate({ policy: { ...TRUST_ALL, ...(sensitiveFields && { elicitation: { sensitiveFields } }) } });
  const connections = new ServerRegistry({ gate });
  registries.push(connections);
  connections.set([{ spec: { url: (testEnv() as unknown as { firewallFormsUrl: string }).firewallFormsUrl, name: 'Forms' } }]);
  await waitUntil(() => connections.get('forms')?.gate?.state === 'added', 'forms server behind the gate', WAIT);
  const call = (tool: string) => gate.call({ toolId: `forms__${tool}`, args: {}, proposer: { kind: 'person' } });
  return { connections, call };
}

const textOf = (outcome: ToolCallOutcome) => ('result' in outcome ? outcome.result.content.map((b) => ('text' in b ? b.text : '')).join('') : outcome.error.code);

describe('A form asking for a password', function () {
  this.timeout(30_000);

  it('is declined by default: the server gets decline, the card explains and can be dismissed', async () => {
    const { connections, call: callTool } = await formsServer(undefined);
    const result = await callTool('sign_in');
    expect(textOf(result)).to.equal('decline');
    expect(connections.elicitations).to.have.length(1);
    const pending = connections.elicitations[0]!;
    expect(pending.refused).to.equal(true);
    expect(pending.request.mode === 'form' && pending.request.sensitive).to.deep.equal([{ name: 'password', reason: 'password' }]);

    const card = await fixture<TgElicitation>(html`<tg-elicitation .pending=${pending}></tg-elicitation>`);
    const refused = card.shadowRoot!.querySelector('[part="refused"]')!;
    expect(refused.textContent).to.contain('Forms').and.to.contain('a password');
    expect(card.shadowRoot!.querySelector('input'), 'no field to type into').to.equal(null);
    await expect(card).to.be.accessible();
    card.shadowRoot!.querySelector<HTMLButtonElement>('[part="dismiss-button"]')!.click();
    expect(connections.elicitations).to.have.length(0);
  });

  it('leaves ordinary forms alone', async () => {
    const { connections, call: callTool } = await formsServer(undefined);
    const call = callTool('ask_city');
    await waitUntil(() => connections.elicitations.length === 1, 'the form is listed', WAIT);
    const pending = connections.elicitations[0]!;
    expect(pending.refused).to.equal(false);
    pending.respond({ action: 'accept', content: { city: 'Porto' } });
    expect(textOf(await call)).to.equal('accept {"city":"Porto"}');
  });

  it('with elicitation.sensitiveFields "allow": masked, never prefilled, with a warning naming the server', async () => {
    const { connections, call: callTool } = await formsServer('allow');
    const call = callTool('sign_in');
    await waitUntil(() => connections.elicitations.length === 1, 'the form is listed', WAIT);
    const pending = connections.elicitations[0]!;
    expect(pending.refused).to.equal(false);
    const card = await fixture<TgElicitation>(html`<tg-elicitation .pending=${pending}></tg-elicitation>`);
    const password = card.shadowRoot!.querySelector<HTMLInputElement>('input[name="password"]')!;
    expect(password.type).to.equal('password');
    expect(password.value, 'the server’s default is not filled in').to.equal('');
    expect(card.shadowRoot!.querySelector<HTMLInputElement>('input[name="username"]')!.type).to.equal('text');
    expect(card.shadowRoot!.querySelector('[part="sensitive-warning"]')?.textContent).to.contain('Forms').and.to.contain('a password');
    await expect(card).to.be.accessible();
    card.shadowRoot!.querySelector<HTMLInputElement>('input[name="username"]')!.value = 'ana';
    password.value = 's3cret-Pass';
    card.shadowRoot!.querySelector<HTMLButtonElement>('[part="accept-button"]')!.click();
    expect(textOf(await call)).to.equal('accept {"username":"ana","password":"s3cret-Pass"}');
  });
});
