/**
 * DOM-free: the runtime's ServerRegistry driven with fake connections (no worker, no element) and
 * a real gate over an in-memory audit sink, so every branch is reachable and deterministic: the
 * diffing of declarations, the status of each server, its place behind the gate, its id, and calls
 * while it reconnects.
 */
import { expect } from '@esm-bundle/chai';
import type { ConnectionConfig } from '../../workers/connection-api.js';
import type { ConnectionStatus } from '../../workers/shared/connection-types.js';
import { ErrorCode, TgError, errorCode } from '../../workers/shared/errors.js';
import type { Gate } from '../../src/gate/gate.js';
import { ServerRegistry, type ServerState } from '../../src/runtime/servers.js';
import { FakeConnection, TOOLS } from '../support/fake-connection.js';
import { TRUST_ALL, memoryGate, type MemoryAudit } from '../support/memory-audit.js';
import { closedAfterEach } from '../support/cleanup.js';

/** An opener whose opens the test settles by hand. */
function manualOpener() {
  const pending: { config: ConnectionConfig; resolve: (c: FakeConnection) => void; reject: (e: unknown) => void }[] = [];
  const opened: FakeConnection[] = [];
  const open = (config: ConnectionConfig) =>
    new Promise<FakeConnection>((resolve, reject) => pending.push({ config, resolve, reject }));
  const succeed = async (index = 0) => {
    const p = pending.splice(index, 1)[0]!;
    const connection = new FakeConnection(p.config);
    opened.push(connection);
    p.resolve(connection);
    await settle();
    return connection;
  };
  const fail = async (error: unknown, index = 0) => {
    pending.splice(index, 1)[0]!.reject(error);
    await settle();
  };
  return { open, pending, opened, succeed, fail };
}

/** Lets queued promise callbacks run. */
const settle = () => new Promise((r) => setTimeout(r, 0));

const registries = closedAfterEach<ServerRegistry>();

async function setup(options: { reconnectWaitMs?: number; gate?: { gate: Gate; audit: MemoryAudit } } = {}) {
  const opener = manualOpener();
  const { gate, audit } = options.gate ?? (await memoryGate({ policy: TRUST_ALL }));
  const registry = new ServerRegistry({ gate, open: opener.open, ...(options.reconnectWaitMs !== undefined && { reconnectWaitMs: options.reconnectWaitMs }) });
  registries.push(registry);
  const statuses: { url: string; status: ConnectionStatus; previous: ConnectionStatus; code: string | undefined }[] = [];
  let changes = 0;
  registry.on('status', ({ server, previous }: { server: ServerState; previous: ConnectionStatus }) =>
    statuses.push({ url: server.spec.url, status: server.status, previous, code: server.error?.code }),
  );
  registry.on('change', () => changes++);
  return { opener, registry, connections: registry, statuses, gate, audit, changes: () => changes };
}

describe('ServerRegistry', () => {
  it('opens nothing while disconnected, and each server once connected', async () => {
    const { opener, registry } = await setup();
    await registry.disconnect();
    registry.set([{ spec: { url: 'wss://a/' } }]);
    expect(opener.pending).to.have.length(0);
    expect(registry.list[0]?.status).to.equal('closed');
    registry.connect();
    expect(opener.pending).to.have.length(1);
  });

  it('opens one connection per server, without the label, lists its tools and puts it behind the gate', async () => {
    const { opener, registry, statuses, gate } = await setup();
    registry.set([{ spec: { url: 'wss://a/', name: 'A', msgpack: true } }, { spec: { url: 'wss://b/' } }]);
    expect(opener.pending.map((p) => p.config)).to.deep.equal([{ url: 'wss://a/', msgpack: true }, { url: 'wss://b/' }]);
    expect(registry.list.map((s) => s.status)).to.deep.equal(['connecting', 'connecting']);
    expect(registry.list.map((s) => s.id)).to.deep.equal(['a', 'b']);
    await opener.succeed();
    const [first] = registry.list;
    expect(first?.status).to.equal('ready');
    expect(first?.tools.map((t) => t.name)).to.deep.equal(['echo', 'slow']);
    expect(first?.gate).to.deep.equal({ state: 'added' });
    expect(gate.tools({ kind: 'person' }).map((t) => t.id)).to.deep.equal(['a__echo', 'a__slow']);
    expect(statuses.filter((s) => s.url === 'wss://a/').map((s) => s.status)).to.deep.equal(['connecting', 'ready']);
  });

  it('gives new state objects on every change, and keeps unchanged ones', async () => {
    const { opener, registry, changes } = await setup();
    registry.set([{ spec: { url: 'wss://a/' } }, { spec: { url: 'wss://b/' } }]);
    const before = registry.list;
    expect(registry.list, 'stable while nothing changes').to.equal(before);
    const seen = changes();
    await opener.succeed();
    expect(changes()).to.be.greaterThan(seen);
    expect(registry.list).to.not.equal(before);
    expect(registry.list[0]).to.not.equal(before[0]);
    expect(registry.list[1], 'b did not change').to.equal(before[1]);
    expect(Object.isFrozen(registry.list[0])).to.equal(true);
  });

  it('records a failed open with its code', async () => {
    const { opener, registry, statuses } = await setup();
    registry.set([{ spec: { url: 'ws://127.0.0.1:1/mcp' } }]);
    await opener.fail(new TgError('TG_CONNECTION_FAILED', 'refused'));
    expect(registry.list[0]).to.include({ status: 'failed', gate: undefined });
    expect(registry.list[0]?.error).to.deep.equal({ code: 'TG_CONNECTION_FAILED', message: 'refused' });
    expect(statuses.at(-1)).to.deep.equal({ url: 'ws://127.0.0.1:1/mcp', status: 'failed', previous: 'connecting', code: 'TG_CONNECTION_FAILED' });
  });

  it('never opens a server whose declaration is invalid', async () => {
    const { opener, registry } = await setup();
    registry.set([{ spec: { url: '' }, configError: { code: 'TG_INVALID_CONFIG', message: 'url is missing' } }]);
    expect(opener.pending).to.have.length(0);
    expect(registry.list[0]).to.include({ status: 'failed' });
    expect(registry.list[0]?.error?.code).to.equal('TG_INVALID_CONFIG');
    registry.connect();
    expect(opener.pending).to.have.length(0);
  });

  it('follows the connection: status, tools-changed (into the gate too) and problems; a failed one leaves the gate', async () => {
    const { opener, registry, gate } = await setup();
    registry.set([{ spec: { url: 'wss://a/' } }]);
    const a = await opener.succeed();
    a.dispatchEvent(new CustomEvent('tools-changed', { detail: { tools: [TOOLS[0]] } }));
    expect(registry.list[0]?.tools.map((t) => t.name)).to.deep.equal(['echo']);
    await gate.settled();
    expect(gate.tools({ kind: 'person' }).map((t) => t.id)).to.deep.equal(['a__echo']);
    a.dispatchEvent(new CustomEvent('problem', { detail: { error: new TgError('TG_PROTOCOL_ERROR', 'bad frame'), count: 3 } }));
    expect(registry.list[0]).to.include({ problems: 3 });
    expect(registry.list[0]?.lastProblem).to.deep.equal({ code: 'TG_PROTOCOL_ERROR', message: 'bad frame' });
    a.emitStatus('failed', new TgError('TG_CONNECTION_CLOSED', 'dropped'));
    expect(registry.list[0]).to.include({ status: 'failed', gate: undefined });
    expect(registry.list[0]?.error?.code).to.equal('TG_CONNECTION_CLOSED');
    expect(gate.tools({ kind: 'person' })).to.have.length(0);
    expect(a.closeCalls, 'the worker is ended too').to.equal(1);
    // A later retry opens a fresh connection.
    registry.connect();
    expect(opener.pending).to.have.length(1);
  });

  it('keeps unchanged servers (a rename keeps the connection), closes removed ones, opens new ones', async () => {
    const { opener, registry, statuses } = await setup();
    registry.set([{ spec: { url: 'wss://a/' } }, { spec: { url: 'wss://b/' } }]);
    const a = await opener.succeed();
    const b = await opener.succeed();
    registry.set([{ spec: { url: 'wss://b/', name: 'renamed' } }, { spec: { url: 'wss://c/' } }]);
    await settle();
    expect(a.closeCalls).to.equal(1);
    expect(b.closeCalls).to.equal(0);
    expect(registry.list.map((s) => s.spec.url)).to.deep.equal(['wss://b/', 'wss://c/']);
    expect(registry.list[0]?.spec.name).to.equal('renamed');
    expect(registry.list[0]?.status).to.equal('ready');
    expect(opener.pending.map((p) => p.config.url)).to.deep.equal(['wss://c/']);
    expect(statuses.some((s) => s.url === 'wss://a/' && s.status === 'closed')).to.equal(true);
  });

  it('treats identical declarations as separate servers, with ids of their own', async () => {
    const { opener, registry } = await setup();
    registry.set([{ spec: { url: 'wss://a/' } }, { spec: { url: 'wss://a/' } }]);
    expect(new Set(registry.list.map((s) => s.id)).size).to.equal(2);
    expect(opener.pending).to.have.length(2);
  });

  it('closes a connection that finishes opening after its server was removed', async () => {
    const { opener, registry, statuses } = await setup();
    registry.set([{ spec: { url: 'wss://a/' } }]);
    registry.set([]);
    expect(statuses.at(-1)).to.include({ url: 'wss://a/', status: 'closed' });
    const late = await opener.succeed();
    expect(late.closeCalls).to.equal(1);
    expect(registry.list).to.have.length(0);
  });

  it('disconnect() closes everything and resolves when closed; connect() reopens, also servers declared meanwhile', async () => {
    const { opener, registry } = await setup();
    registry.set([{ spec: { url: 'wss://a/' } }, { spec: { url: 'wss://b/' } }]);
    const [a, b] = [await opener.succeed(), await opener.succeed()];
    await registry.disconnect();
    expect([a.closeCalls, b.closeCalls]).to.deep.equal([1, 1]);
    expect(registry.list.map((s) => s.status)).to.deep.equal(['closed', 'closed']);
    registry.set([{ spec: { url: 'wss://a/' } }, { spec: { url: 'wss://b/' } }, { spec: { url: 'wss://c/' } }]);
    expect(opener.pending).to.have.length(0);
    registry.connect();
    expect(opener.pending.map((p) => p.config.url)).to.deep.equal(['wss://a/', 'wss://b/', 'wss://c/']);
  });

  it('refuses a server the allow-list does not name until the person consents; then it is behind the gate', async () => {
    const { opener, registry, gate } = await setup({ gate: await memoryGate({ policy: { version: 1, servers: [{ url: 'wss://listed/*' }] } }) });
    registry.set([{ spec: { url: 'wss://other/' } }]);
    await opener.succeed();
    await registry.settled(registry.list[0]!.id);
    expect(registry.list[0]?.gate).to.deep.equal({ state: 'failed', error: { code: 'TG_SERVER_NOT_ALLOWED', message: registry.list[0]?.gate?.error?.message } });
    expect(registry.list[0]?.gate?.error?.message).to.contain('wss://other/');
    registry.consent(registry.list[0]!.id);
    await registry.settled(registry.list[0]!.id);
    expect(registry.list[0]).to.include({ consented: true });
    expect(registry.list[0]?.gate).to.deep.equal({ state: 'added' });
    expect(gate.tools({ kind: 'person' }).map((t) => t.serverUrl)).to.deep.equal(['wss://other/', 'wss://other/']);
  });

  it('settled() waits (bounded) for a server that is still connecting, until it is behind the gate', async () => {
    const { opener, registry } = await setup({ reconnectWaitMs: 10_000 });
    registry.set([{ spec: { url: 'wss://a/' } }]);
    let settled = false;
    const waiting = registry.settled('a').then(() => (settled = true));
    await settle();
    expect(settled, 'still connecting').to.equal(false);
    await opener.succeed();
    await waiting;
    expect(registry.get('a')?.gate).to.deep.equal({ state: 'added' });
  });

  it('ids: two unnamed servers on one host get the same ids in either order', async () => {
    const first = await setup();
    const [x, y] = [{ spec: { url: 'wss://tools.example/x' } }, { spec: { url: 'wss://tools.example/y' } }];
    first.registry.set([x, y]);
    const second = await setup();
    second.registry.set([y, x]);
    const idsOf = (list: readonly ServerState[]) => Object.fromEntries(list.map((s) => [s.spec.url, s.id]));
    expect(idsOf(first.registry.list)).to.deep.equal(idsOf(second.registry.list));
    expect(idsOf(first.registry.list)['wss://tools.example/x']).to.equal('tools-example');
    expect(idsOf(first.registry.list)['wss://tools.example/y']).to.match(/^tools-example-[0-9a-f]{6}$/);
  });
});

describe('ServerRegistry: calls while a server reconnects', () => {
  async function connected(reconnectWaitMs: number) {
    const ctx = await setup({ reconnectWaitMs });
    ctx.registry.set([{ spec: { url: 'wss://a/', name: 'Notes' } }]);
    const connection = await ctx.opener.succeed();
    await ctx.registry.settled('notes');
    return { ...ctx, connection };
  }

  it('keeps the server behind the gate, and a call fails at once with TG_NOT_CONNECTED (wait 0) without reaching the connection', async () => {
    const { registry, gate, connection, audit } = await connected(0);
    connection.emitStatus('reconnecting', new TgError('TG_CONNECTION_CLOSED', 'dropped'), 2);
    expect(registry.list[0]).to.include({ status: 'reconnecting', attempt: 2 });
    expect(registry.list[0]?.gate).to.deep.equal({ state: 'added' });
    expect(gate.tools({ kind: 'person' }).map((t) => t.id)).to.deep.equal(['notes__echo', 'notes__slow']);
    const outcome = await gate.call({ toolId: 'notes__echo', args: { text: 'x' }, proposer: { kind: 'person' } });
    expect(outcome.status).to.equal('failed');
    if (!('error' in outcome)) throw new Error('expected an error');
    expect(outcome.error.code).to.equal('TG_NOT_CONNECTED');
    expect(outcome.error.message).to.contain('Notes is reconnecting (attempt 2)');
    expect(outcome.forModel[0]).to.deep.include({ type: 'text' });
    expect(connection.calls).to.have.length(0);
    expect(audit.of('call-end').at(-1)).to.deep.include({ status: 'failed', error: { code: 'TG_NOT_CONNECTED', message: outcome.error.message } });
  });

  it('waits for the connection to come back, then calls it', async () => {
    const { registry, gate, connection } = await connected(10_000);
    connection.emitStatus('reconnecting', undefined, 1);
    const pending = gate.call({ toolId: 'notes__echo', args: { text: 'later' }, proposer: { kind: 'person' } });
    await settle();
    expect(connection.calls, 'not sent while reconnecting').to.have.length(0);
    connection.emitStatus('ready');
    const outcome = await pending;
    expect(outcome.status).to.equal('ok');
    expect(connection.calls.map((c) => c.args)).to.deep.equal([{ text: 'later' }]);
    expect(registry.list[0]?.status).to.equal('ready');
  });

  it('a waiting call ends with TG_NOT_CONNECTED when the server fails meanwhile, and with TG_CANCELLED when aborted', async () => {
    const { gate, connection } = await connected(10_000);
    connection.emitStatus('reconnecting', undefined, 1);
    const abort = new AbortController();
    const cancelled = gate.call({ toolId: 'notes__echo', args: {}, proposer: { kind: 'person' }, signal: abort.signal });
    const failing = gate.call({ toolId: 'notes__slow', args: {}, proposer: { kind: 'person' } });
    await settle();
    abort.abort();
    expect((await cancelled).status).to.equal('cancelled');
    connection.emitStatus('failed', new TgError('TG_RECONNECT_FAILED', 'gave up'));
    const outcome = await failing;
    expect('error' in outcome && outcome.error.code).to.equal('TG_NOT_CONNECTED');
    expect(connection.calls).to.have.length(0);
  });

  it('MCP Apps: connections opened with `apps` on advertise the extension; readResource reaches a connected server only', async () => {
    const { opener, registry } = await setup();
    registry.set([{ spec: { url: 'wss://a/' } }]);
    registry.apps = true;
    registry.set([{ spec: { url: 'wss://a/' } }, { spec: { url: 'wss://b/', name: 'B' } }]);
    expect(opener.pending.map((p) => p.config)).to.deep.equal([{ url: 'wss://a/' }, { url: 'wss://b/', apps: true }]);
    const b = await opener.succeed(1);
    expect(await registry.readResource('b', 'ui://b/view')).to.deep.equal({ contents: [{ uri: 'ui://b/view', text: 'view of ui://b/view' }] });
    expect(b.reads).to.deep.equal(['ui://b/view']);
    const refusal = (id: string) => registry.readResource(id, 'ui://x/view').then(() => 'read', (err: unknown) => errorCode(err));
    // Still connecting, unknown, disconnected: nothing is read, and the code says why.
    expect([await refusal('a'), await refusal('nobody')]).to.deep.equal([ErrorCode.NOT_CONNECTED, ErrorCode.NOT_CONNECTED]);
    await registry.disconnectServer('b');
    expect(await refusal('b')).to.equal(ErrorCode.NOT_CONNECTED);
    expect(b.reads).to.have.length(1);
  });
});
