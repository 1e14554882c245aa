// @ts-check
/**
 * The OTLP receiver the shipping tests rely on: it accepts requests encoded as OTLP/HTTP JSON
 * requires, refuses the usual encoding mistakes, and misbehaves on demand.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startOtlpReceiver } from './otlp-receiver.mjs';

/** @type {Awaited<ReturnType<typeof startOtlpReceiver>>} */
let receiver;
before(async () => {
  receiver = await startOtlpReceiver();
});
after(() => receiver.close());

const record = (/** @type {number} */ seq, extra = {}) => ({
  timeUnixNano: '1700000000000000000',
  observedTimeUnixNano: '1700000000000000000',
  severityNumber: 9,
  severityText: 'INFO',
  eventName: 'toolgate.audit.call-start',
  traceId: '5b8efff798038103d269b633813fc60c',
  spanId: 'eee19b7ec3c1b174',
  body: { stringValue: '{}' },
  attributes: [
    { key: 'log.record.uid', value: { stringValue: `uid-${seq}` } },
    { key: 'toolgate.audit.seq', value: { intValue: String(seq) } },
  ],
  ...extra,
});
const request = (/** @type {object[]} */ records) => ({
  resourceLogs: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'toolgate' } }] }, scopeLogs: [{ scope: { name: 'toolgate.audit', version: '1' }, logRecords: records }] }],
});
const post = (/** @type {string} */ tag, /** @type {unknown} */ body) =>
  fetch(`${receiver.url}/t/${tag}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const state = async (/** @type {string} */ tag) => (await fetch(`${receiver.controlUrl}/__otlp/${tag}`)).json();
const script = (/** @type {string} */ tag, /** @type {object} */ body) => fetch(`${receiver.controlUrl}/__otlp/${tag}/script`, { method: 'POST', body: JSON.stringify(body) });

describe('OTLP receiver', () => {
  it('accepts a request in the OTLP/HTTP JSON encoding and keeps its records in order', async () => {
    const response = await post('ok', request([record(1), record(2)]));
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/json');
    const { records, invalid } = await state('ok');
    assert.deepEqual(invalid, []);
    assert.deepEqual(records.map((/** @type {{ seq: number, uid: string }} */ r) => [r.seq, r.uid]), [[1, 'uid-1'], [2, 'uid-2']]);
  });

  it('refuses what the OTLP JSON mapping forbids, naming the mistake', async () => {
    /** @type {[object, RegExp][]} */
    const cases = [
      [record(1, { severityNumber: 'SEVERITY_NUMBER_INFO' }), /enum must be one of its integer values/],
      [record(1, { trace_id: '5b8efff798038103d269b633813fc60c' }), /original field names are not valid/],
      [record(1, { traceId: 'W47/95gDgQPSabYzgT/GDA==' }), /16 bytes as hex/],
      [record(1, { timeUnixNano: 1.5 }), /decimal string/],
      [record(1, { body: { stringValue: 'x', intValue: '1' } }), /more than one of oneof value/],
      [record(1, { colour: 'red' }), /no such field/],
    ];
    for (const [bad, why] of cases) {
      const response = await post('bad', request([bad]));
      assert.equal(response.status, 400, JSON.stringify(bad));
      assert.match((await response.json()).message, why);
    }
    assert.equal((await state('bad')).records.length, 0);
  });

  it('fails the first requests, then answers 429 with Retry-After, then accepts', async () => {
    await script('flaky', { failFirst: 2, tooMany: 1, retryAfter: '2' });
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      const response = await post('flaky', request([record(i + 1)]));
      statuses.push([response.status, response.headers.get('retry-after')]);
    }
    assert.deepEqual(statuses, [[503, null], [503, null], [429, '2'], [200, null]]);
    assert.deepEqual((await state('flaky')).records.map((/** @type {{ seq: number }} */ r) => r.seq), [4]);
  });

  it('answers a partial success when told to', async () => {
    await script('partial', { partialNext: 1 });
    const response = await post('partial', request([record(1), record(2)]));
    assert.deepEqual(await response.json(), { partialSuccess: { rejectedLogRecords: '1', errorMessage: 'rejected (scripted)' } });
    assert.deepEqual((await state('partial')).records.map((/** @type {{ seq: number }} */ r) => r.seq), [2]);
  });

  it('goes away for a while and comes back on the same port', async () => {
    await fetch(`${receiver.controlUrl}/__otlp/down`, { method: 'POST', body: JSON.stringify({ ms: 300 }) });
    await assert.rejects(post('away', request([record(1)])));
    const deadline = Date.now() + 5000;
    let status = 0;
    while (Date.now() < deadline && status !== 200) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = await post('away', request([record(1)])).then((r) => r.status, () => 0);
    }
    assert.equal(status, 200);
  });
});
