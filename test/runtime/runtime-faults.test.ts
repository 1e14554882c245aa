/**
 * The runtime under faults, for a host without the element: storage that fails and comes back
 * (calls refused meanwhile, the outage recorded; servers the gate refused for want of storage are
 * re-added: servers-faults.test.ts, and with a real full quota agent-storage.test.ts), and `createRuntime({ otlp })` shipping the log to a collector (the
 * proto-validating test receiver) with its status on `runtime.otlp`. Real workers, the demo MCP
 * server, IndexedDB.
 */
import { expect } from '@esm-bundle/chai';
import type { Policy } from '../../src/gate/policy.js';
import { createRuntime, type Runtime, type RuntimeOptions } from '../../src/runtime/runtime.js';
import { deleteToolgateDb, toolgateDbName } from '../../src/storage/db.js';
import { ErrorCode, TgError } from '../../workers/shared/errors.js';
import { waitFor } from '../support/async.js';
import { taggedWsUrl, testEnv, uniqueTag } from '../support/env.js';

const TRUST_DEMO: Policy = { version: 1, servers: [{ url: 'ws://127.0.0.1:*', trusted: true }] };

const open: Runtime[] = [];
const tenants: string[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
  for (const tenant of tenants.splice(0)) await deleteToolgateDb(toolgateDbName(tenant));
});

async function runtime(options: Omit<RuntimeOptions, 'tenant'>): Promise<Runtime> {
  const tenant = `test-runtime-faults-${crypto.randomUUID()}`;
  tenants.push(tenant);
  const r = await createRuntime({ tenant, policy: TRUST_DEMO, ...options });
  open.push(r);
  return r;
}

const received = async (tag: string) =>
  (await (await fetch(`${testEnv().otlpControlUrl}/__otlp/${tag}`)).json()) as { records: { seq: number }[]; invalid: unknown[] };

describe('createRuntime under faults (no element)', function () {
  this.timeout(60000);

  it('refuses calls while the audit log cannot write, and runs them once it can again, with the outage recorded', async () => {
    const r = await runtime({ audit: { recovery: false } });
    // The host reports the failure (as the log does itself on a quota error): nothing can be written.
    r.audit.fail(new TgError(ErrorCode.STORAGE_FAILED, 'disk gone'));
    const changes: string[] = [];
    r.on('change', ({ what }) => changes.push(what));
    r.servers.set([{ name: 'demo', url: taggedWsUrl(uniqueTag('storage')) }]);
    // Behind the gate or refused by it (when its own storage fails too, as with a full quota): calls are refused either way.
    await waitFor(() => (r.servers.get('demo')?.gate?.state !== 'adding' && r.servers.get('demo')?.gate ? true : undefined), 'the gate to decide on the server', 15000);
    const refused = await r.call({ server: 'demo', tool: 'echo', args: { text: 'while failed' } });
    expect(refused.status).to.equal('refused');
    expect('error' in refused && refused.error.code).to.equal(ErrorCode.STORAGE_FAILED);

    expect(await r.audit.retry()).to.equal(true);
    expect(changes).to.include('audit');
    await waitFor(() => (r.servers.get('demo')?.gate?.state === 'added' ? true : undefined), 'the server behind the gate', 15000);
    const ok = await r.call({ server: 'demo', tool: 'echo', args: { text: 'again' } });
    expect(ok.status).to.equal('ok');

    await r.audit.flush();
    const records = await r.audit.range(1, (await r.audit.head())!.seq);
    expect(records.filter((x) => x.kind === 'storage-unavailable').map((x) => x.kind === 'storage-unavailable' && x.error.code)).to.deep.equal([ErrorCode.STORAGE_FAILED]);
    expect(await r.audit.verify()).to.deep.include({ ok: true });
  });

  it('ships the audit log to the collector given as `otlp`, with its status on runtime.otlp, until ship(undefined)', async () => {
    const tag = uniqueTag('runtime-otlp');
    const otlp = { url: `${testEnv().otlpUrl}/t/${tag}/v1/logs`, retry: { baseDelayMs: 50, maxDelayMs: 200 } };
    const r = await runtime({ otlp });
    const shipper = r.otlp;
    expect(shipper, 'shipping from the start').to.not.equal(undefined);
    expect(await r.ship(otlp), 'the same collector again: the same shipper').to.equal(shipper);
    const exports: string[] = [];
    r.on('change', ({ what }) => what === 'export' && exports.push(shipper!.status.state));
    r.servers.set([{ name: 'demo', url: taggedWsUrl(uniqueTag('otlp')) }]);
    await waitFor(() => (r.servers.get('demo')?.gate?.state === 'added' ? true : undefined), 'the server behind the gate', 15000);
    expect((await r.call({ server: 'demo', tool: 'echo', args: { text: 'shipped' } })).status).to.equal('ok');

    await r.audit.flush();
    const head = (await r.audit.head())!.seq;
    await waitFor(() => (shipper!.status.ackedSeq >= head ? true : undefined), 'the collector to acknowledge every record', 30000);
    const { records, invalid } = await received(tag);
    expect(invalid).to.deep.equal([]);
    expect(records.map((x) => x.seq)).to.deep.equal(Array.from({ length: head }, (_, i) => i + 1));
    expect(shipper!.status).to.deep.include({ backlog: 0, lagging: false });
    expect(exports).to.include('sending');

    expect(await r.ship(undefined)).to.equal(undefined);
    expect(r.otlp).to.equal(undefined);
    expect(shipper!.status.state).to.equal('closed');
  });
});
