/**
 * The server registry's side of elicitation: it offers every server an `onElicit` handler,
 * lists each request once for a card (or lets the host answer first), and answers `cancel` for
 * every request of a server whose connection closes. A scripted connection stands in for the
 * worker here; the end-to-end path is in elicitation.test.ts.
 */
import { expect } from '@open-wc/testing';
import type { ConnectionConfig } from '../../workers/connection-api.js';
import type { ConnectionStatus, ElicitationHandler } from '../../workers/shared/connection-types.js';
import type { ElicitationResult } from '../../workers/shared/wire.js';
import type { PendingElicitation } from '../../src/runtime/pending-elicitation.js';
import { ServerRegistry, type ConnectionLike } from '../../src/runtime/servers.js';
import { TRUST_ALL, memoryGate } from '../support/memory-audit.js';
import { closedAfterEach } from '../support/cleanup.js';

class ScriptedConnection extends EventTarget {
  status: ConnectionStatus = 'ready';
  tools = [];
  constructor(readonly config: Readonly<ConnectionConfig>) {
    super();
  }
  async listTools() {
    return [];
  }
  async callTool(): Promise<never> {
    throw new Error('not used');
  }
  async close(): Promise<void> {
    this.emitStatus('closed');
  }
  emitStatus(status: ConnectionStatus): void {
    this.status = status;
    this.dispatchEvent(new CustomEvent('status', { detail: { status } }));
  }
}

const settle = () => new Promise((r) => setTimeout(r, 0));

const registries = closedAfterEach<ServerRegistry>();

async function setup(onElicitation?: (pending: PendingElicitation) => void) {
  const handlers: ElicitationHandler[] = [];
  const opened: ScriptedConnection[] = [];
  const connections = new ServerRegistry({
    gate: (await memoryGate({ policy: TRUST_ALL })).gate,
    open: async (config, _authorize, elicit) => {
      if (elicit) handlers.push(elicit);
      const c = new ScriptedConnection(config);
      opened.push(c);
      return c as unknown as ConnectionLike;
    },
  });
  registries.push(connections);
  if (onElicitation) connections.on('elicitation', onElicitation);
  connections.set([{ spec: { url: 'wss://a.example/', name: 'A' } }, { spec: { url: 'wss://b.example/' } }]);
  return { connections, handlers, opened };
}

const form = { mode: 'form' as const, message: 'Name?', requestedSchema: { type: 'object', properties: { n: { type: 'string' } } } };

describe('ServerRegistry: elicitation', () => {
  it('gives every connection a handler and lists each request, answered once by the card', async () => {
    const { connections, handlers } = await setup();
    await settle();
    expect(handlers).to.have.length(2);
    const answer = handlers[0]!(form);
    expect(connections.elicitations).to.have.length(1);
    const pending = connections.elicitations[0]!;
    expect(pending.serverName).to.equal('A');
    expect(pending.request).to.deep.equal(form);
    pending.respond({ action: 'accept', content: { n: 'x' } });
    pending.respond({ action: 'decline' });
    expect(await answer).to.deep.equal({ action: 'accept', content: { n: 'x' } });
    expect(connections.elicitations).to.have.length(0);
  });

  it("cancels a server's pending requests when its connection closes, and only that server's", async () => {
    const { connections, handlers, opened } = await setup();
    await settle();
    const fromA = handlers[0]!(form);
    const fromB = handlers[1]!(form);
    expect(connections.elicitations).to.have.length(2);
    opened[0]!.emitStatus('closed');
    expect(await fromA).to.deep.equal({ action: 'cancel' });
    expect(connections.elicitations.map((p) => p.serverName)).to.deep.equal(['wss://b.example/']);
    connections.elicitations[0]!.respond({ action: 'decline' });
    expect(await fromB).to.deep.equal({ action: 'decline' });
  });

  it('lets the host answer first (no card)', async () => {
    const { connections, handlers } = await setup((pending) => pending.respond(Promise.resolve<ElicitationResult>({ action: 'decline' })));
    await settle();
    const answer = handlers[0]!(form);
    expect(connections.elicitations).to.have.length(0);
    expect(await answer).to.deep.equal({ action: 'decline' });
  });
});
