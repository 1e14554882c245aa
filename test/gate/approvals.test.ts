/** The approval queue: the host first (deny, take over, async), then the person; timeouts and cancellation deny. */
import { expect } from '@esm-bundle/chai';
import { ApprovalQueue, ApprovalsChangeEvent, type ApprovalRequest, type HostDecision } from '../../src/gate/approvals.js';
import { effectiveAnnotations } from '../../src/gate/decide.js';

function input(): Omit<ApprovalRequest, 'id' | 'createdAt' | 'expiresAt'> {
  return {
    kind: 'call',
    callId: 'c1',
    toolId: 'demo__delete_note',
    server: { id: 'demo', url: 'ws://127.0.0.1/mcp', origin: 'ws://127.0.0.1', trusted: true },
    tool: { name: 'delete_note', inputSchema: { type: 'object' } },
    displayName: 'delete_note',
    definitionHash: 'a'.repeat(64),
    args: { id: 'note-1' },
    annotations: effectiveAnnotations({ destructiveHint: true }),
    reason: 'destructive',
    flags: [],
    proposer: { kind: 'llm', providerLabel: 'local' },
  };
}

describe('ApprovalQueue', () => {
  it('shows the request to the person and resolves with their answer', async () => {
    const queue = new ApprovalQueue();
    const changes: number[] = [];
    queue.addEventListener(ApprovalsChangeEvent.eventName, (e) => changes.push((e as ApprovalsChangeEvent).pending.length));
    const verdict = queue.request(input());
    expect(queue.pending).to.have.length(1);
    expect(queue.pending[0]?.expiresAt).to.be.a('number');
    expect(queue.answer(queue.pending[0]!.id, 'always')).to.equal(true);
    expect(await verdict).to.deep.equal({ outcome: 'allow', always: true, by: 'person' });
    expect(queue.pending).to.have.length(0);
    expect(changes).to.deep.equal([1, 0]);
    expect(queue.answer('nope', 'deny')).to.equal(false);
  });

  it('denies a shown request whose card cannot be shown (by: unavailable), once', async () => {
    const queue = new ApprovalQueue();
    const verdict = queue.request(input());
    const id = queue.pending[0]!.id;
    expect(queue.unavailable(id)).to.equal(true);
    expect(await verdict).to.deep.equal({ outcome: 'deny', always: false, by: 'unavailable' });
    expect(queue.pending).to.have.length(0);
    expect(queue.unavailable(id), 'no longer pending').to.equal(false);
    expect(queue.answer(id, 'allow-once'), 'the person cannot answer it after').to.equal(false);
  });

  it('lets the host deny first (no card)', async () => {
    const queue = new ApprovalQueue({ hostHook: () => 'deny' });
    const verdict = queue.request(input());
    expect(queue.pending).to.have.length(0);
    expect(await verdict).to.deep.equal({ outcome: 'deny', always: false, by: 'host' });
  });

  it('lets the host take the request and answer asynchronously (no card)', async () => {
    let finish!: (d: HostDecision) => void;
    const queue = new ApprovalQueue({ hostHook: (_request, respond) => respond(new Promise<HostDecision>((r) => (finish = r))) });
    const verdict = queue.request(input());
    expect(queue.pending).to.have.length(0);
    setTimeout(() => finish('allow'), 20);
    expect(await verdict).to.deep.equal({ outcome: 'allow', always: false, by: 'host' });
  });

  it('a host that answers later while the card shows: first answer wins', async () => {
    let respondLater!: (d: HostDecision) => void;
    const queue = new ApprovalQueue({ hostHook: (_r, respond) => void (respondLater = respond) });
    const verdict = queue.request(input());
    expect(queue.pending).to.have.length(1);
    respondLater('deny');
    expect(await verdict).to.deep.equal({ outcome: 'deny', always: false, by: 'host' });
    expect(queue.pending).to.have.length(0);
  });

  it('a throwing host handler denies (never opens the gate)', async () => {
    const queue = new ApprovalQueue({ hostHook: () => { throw new Error('bug'); } });
    expect(await queue.request(input())).to.deep.equal({ outcome: 'deny', always: false, by: 'host' });
  });

  it('times out to deny', async () => {
    const queue = new ApprovalQueue({ timeoutMs: 30 });
    const verdict = await queue.request(input());
    expect(verdict).to.deep.equal({ outcome: 'deny', always: false, by: 'timeout' });
    expect(queue.pending).to.have.length(0);
  });

  it('withdraws on abort', async () => {
    const queue = new ApprovalQueue();
    const controller = new AbortController();
    const verdict = queue.request(input(), { signal: controller.signal });
    controller.abort();
    expect(await verdict).to.deep.equal({ outcome: 'deny', always: false, by: 'cancelled' });
    expect(queue.pending).to.have.length(0);
  });

  it('"always" on a result review is just an allow', async () => {
    const queue = new ApprovalQueue();
    const verdict = queue.request({ ...input(), kind: 'result', result: { content: [] } });
    queue.answer(queue.pending[0]!.id, 'always');
    expect(await verdict).to.deep.equal({ outcome: 'allow', always: false, by: 'person' });
  });
});
