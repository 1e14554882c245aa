/**
 * DOM-free: the server panels' ToolCallController with a fake host. Its calls go where every
 * panel call goes — through a real gate (over an in-memory audit sink) and the agent's
 * conversation — to a fake connection, so the panel never reaches a connection itself.
 */
import { expect } from '@esm-bundle/chai';
import { Agent } from '../../../src/agent/agent.js';
import type { Progress } from '../../../workers/shared/wire.js';
import { ToolCallController, type PanelCaller } from '../../../src/elements/connections/tool-call.controller.js';
import { TgError } from '../../../workers/shared/errors.js';
import type { ServerRegistry } from '../../../src/runtime/servers.js';
import { waitFor } from '../../support/async.js';
import { FakeHost } from '../../support/controller-host.js';
import { TOOLS } from '../../support/fake-connection.js';
import { fakeRegistry } from '../../support/fake-registry.js';
import { closedAfterEach } from '../../support/cleanup.js';

const registries = closedAfterEach<ServerRegistry>();

async function ready() {
  const { registry, gate, audit, opened } = await fakeRegistry();
  registries.push(registry);
  const agent = new Agent({ gate });
  registry.set([{ spec: { url: 'wss://a/' } }]);
  await waitFor(() => (registry.get('a')?.gate?.state === 'added' ? true : undefined), 'the server behind the gate');
  const caller: PanelCaller = (serverId, tool, args, options) => {
    const toolId = gate.tools({ kind: 'person' }).find((t) => t.serverId === serverId && t.tool.name === tool)!.id;
    return agent.call({ toolId, args, ...options });
  };
  const host = new FakeHost();
  const calls = new ToolCallController(host, { call: () => caller, server: (id) => registry.get(id) });
  return { host, calls, registry, agent, audit, connection: opened[0]!, id: 'a' };
}

describe('ToolCallController', () => {
  it('prefills the arguments from the schema when a tool is selected', async () => {
    const { calls, id } = await ready();
    expect(calls.state(id)).to.equal(undefined);
    calls.select(id, TOOLS[0]!);
    expect(calls.state(id)).to.include({ toolName: 'echo', running: false, argumentsText: '{\n  "text": ""\n}' });
  });

  it('calls the tool through the gate with the parsed arguments; the call is audited, in the conversation, and its result described', async () => {
    const { calls, id, connection, agent, audit } = await ready();
    calls.select(id, TOOLS[0]!);
    calls.setArgumentsText(id, '{"text": "hi"}');
    const done = calls.call(id);
    expect(calls.state(id)?.running).to.equal(true);
    await done;
    expect(connection.calls.map((c) => [c.name, c.args])).to.deep.equal([['echo', { text: 'hi' }]]);
    expect(connection.calls[0]?.options.signal).to.be.instanceOf(AbortSignal);
    expect(calls.state(id)).to.include({ running: false, error: undefined });
    expect(calls.state(id)?.result?.parts).to.deep.equal([{ kind: 'text', text: '{"text":"hi"}' }]);
    expect(audit.of('call-start').map((r) => r.tool.name)).to.deep.equal(['echo']);
    const chip = agent.entries.find((e) => e.kind === 'tool-call');
    expect(chip).to.deep.include({ toolId: 'a__echo', status: 'ok', proposer: { kind: 'person' } });
  });

  it('makes no call when the arguments are not a JSON object', async () => {
    const { calls, id, connection } = await ready();
    calls.select(id, TOOLS[0]!);
    for (const text of ['{oops', '[]', '"x"']) {
      calls.setArgumentsText(id, text);
      await calls.call(id);
      expect(calls.state(id)?.error?.code, text).to.equal('TG_INVALID_ARGUMENTS');
    }
    expect(connection.calls).to.have.length(0);
  });

  it('reports progress while running and the error code of a failed call', async () => {
    const { calls, id, connection } = await ready();
    let finish!: (err: unknown) => void;
    connection.respond = (_n, _a, options) =>
      new Promise((_, reject) => {
        options.onProgress?.({ progress: 1, total: 4, message: 'step 1' } satisfies Progress);
        finish = reject;
      });
    calls.select(id, TOOLS[1]!);
    const done = calls.call(id);
    await waitFor(() => finish, 'the call reached the connection');
    expect(calls.state(id)?.progress).to.deep.equal({ progress: 1, total: 4, message: 'step 1' });
    finish(new TgError('TG_TIMEOUT', 'too slow'));
    await done;
    expect(calls.state(id)?.error).to.deep.equal({ code: 'TG_TIMEOUT', message: 'too slow' });
    expect(calls.state(id)?.running).to.equal(false);
  });

  it('cancel() aborts the signal the connection got; the call ends TG_CANCELLED', async () => {
    const { calls, id, connection } = await ready();
    connection.respond = (_n, _a, options) =>
      new Promise((_, reject) => options.signal?.addEventListener('abort', () => reject(new TgError('TG_CANCELLED', String(options.signal?.reason)))));
    calls.select(id, TOOLS[1]!);
    const done = calls.call(id);
    await waitFor(() => connection.calls[0], 'the call reached the connection');
    calls.cancel(id);
    await done;
    expect(connection.calls[0]?.options.signal?.aborted).to.equal(true);
    expect(calls.state(id)?.error?.code).to.equal('TG_CANCELLED');
  });

  it('refuses to call on a server that is not connected, and calls nothing without a caller', async () => {
    const { calls, id, connection, registry } = await ready();
    calls.select(id, TOOLS[0]!);
    connection.emitStatus('failed', new TgError('TG_CONNECTION_CLOSED', 'gone'));
    expect(registry.get(id)?.status).to.equal('failed');
    await calls.call(id);
    expect(calls.state(id)?.error?.code).to.equal('TG_NOT_CONNECTED');
    expect(connection.calls).to.have.length(0);

    const orphan = new ToolCallController(new FakeHost(), { call: () => undefined, server: () => ({ status: 'ready' }) as never });
    orphan.select(id, TOOLS[0]!);
    await orphan.call(id);
    expect(orphan.state(id)?.error?.code).to.equal('TG_NOT_CONNECTED');
  });

  it('drops the panel and cancels the call when the server is removed', async () => {
    const { host, calls, id, connection, registry } = await ready();
    connection.respond = (_n, _a, options) => new Promise((_, reject) => options.signal?.addEventListener('abort', () => reject(new Error('aborted'))));
    calls.select(id, TOOLS[1]!);
    void calls.call(id);
    await waitFor(() => connection.calls[0], 'the call reached the connection');
    registry.set([]);
    host.update();
    expect(calls.state(id)).to.equal(undefined);
    expect(connection.calls[0]?.options.signal?.aborted).to.equal(true);
  });
});
