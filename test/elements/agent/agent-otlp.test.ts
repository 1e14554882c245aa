/**
 * <tg-agent otlp>: the element ships its audit log to the collector (the proto-validating test
 * receiver); while the collector stays unreachable the export banner says so (nothing is lost), and
 * when it answers again every record arrives and the banner clears.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../../src/elements/agent/tg-agent.js';
import type { TgAgent } from '../../../src/elements/agent/tg-agent.js';
import { ErrorCode } from '../../../workers/shared/errors.js';
import { taggedWsUrl, testEnv, uniqueTag } from '../../support/env.js';
import { WAIT, TRUST_DEMO, tenant, cleanupAgents, root } from '../../support/agent-fixture.js';

const control = async <T>(path: string, body?: unknown): Promise<T> =>
  (await fetch(`${testEnv().otlpControlUrl}${path}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) })).json() as Promise<T>;

describe('<tg-agent> shipping its audit log to a collector', function () {
  this.timeout(60000);
  afterEach(cleanupAgents);

  it('shows a coded banner while the collector is unreachable, and clears it once every record arrived', async () => {
    const tag = uniqueTag('agent-otlp');
    await control(`/__otlp/${tag}/script`, { failFirst: 100000, failStatus: 503 });
    const otlp = { url: `${testEnv().otlpUrl}/t/${tag}/v1/logs`, retry: { baseDelayMs: 50, maxDelayMs: 200 }, unreachableAfterMs: 300 };
    const el = await fixture<TgAgent>(html`<tg-agent tenant=${tenant()} .policy=${TRUST_DEMO} .otlp=${otlp}>
      <tg-server name="demo" url=${taggedWsUrl(uniqueTag('otlp'))}></tg-server>
    </tg-agent>`);
    await waitUntil(() => el.gate?.tools({ kind: 'person' }).some((t) => t.id === 'demo__echo'), 'the server behind the gate', WAIT);
    expect((await el.gate!.call({ toolId: 'demo__echo', args: { text: 'shipped' }, proposer: { kind: 'person' } })).status).to.equal('ok');

    const banner = () => root(el).querySelector<HTMLElement>('[part~="export-banner"]');
    await waitUntil(() => banner(), 'the export banner', WAIT);
    expect(banner()!.textContent).to.contain(ErrorCode.AUDIT_EXPORT_BACKLOG);
    expect(banner()!.textContent).to.contain('none are lost');

    await control(`/__otlp/${tag}/script`, { failFirst: 0 });
    const log = el.auditLog!;
    await log.flush();
    const head = (await log.head())!;
    await waitUntil(async () => (await control<{ records: unknown[] }>(`/__otlp/${tag}`)).records.length >= head.seq, 'every record at the collector', { timeout: 30000 });
    await waitUntil(() => banner() === null, 'the banner to clear', WAIT);
    const { records, invalid } = await control<{ records: { seq: number }[]; invalid: unknown[] }>(`/__otlp/${tag}`);
    expect(invalid).to.deep.equal([]);
    expect(records.slice(0, head.seq).map((r) => r.seq)).to.deep.equal(Array.from({ length: head.seq }, (_, i) => i + 1));
  });
});
