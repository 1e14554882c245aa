// @ts-check
/**
 * The demo server's media and resource additions, as a raw client sees them: the chime's WAV,
 * the `notes://note/{id}` template with id completion, the chart resource as a PNG blob, the
 * `link_note` resource link, and the test hook counting completion requests.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startDemoServer } from '../../demo/server/server.mjs';
import { renderChimeWav } from '../../demo/server/wav.mjs';
import { connectRaw, fetchJson, hookUrl } from './raw-client.mjs';

/** @type {Awaited<ReturnType<typeof startDemoServer>>} */
let demo;
before(async () => {
  demo = await startDemoServer({ testHooks: true });
});
after(() => demo.close());

describe('wav', () => {
  it('writes a RIFF/WAVE PCM header that matches its data', () => {
    const wav = renderChimeWav({ ms: 100, sampleRate: 8000 });
    assert.equal(wav.toString('ascii', 0, 4), 'RIFF');
    assert.equal(wav.toString('ascii', 8, 12), 'WAVE');
    assert.equal(wav.readUInt16LE(20), 1); // PCM
    assert.equal(wav.readUInt32LE(24), 8000);
    assert.equal(wav.readUInt32LE(40), 800); // 100 ms at 8 kHz, 1 byte per sample
    assert.equal(wav.length, 44 + 800);
  });
});

describe('resources, templates and media tools', () => {
  it('lists the note template, completes its id, reads a note and the chart blob; the hook counts completions', async () => {
    const tag = `media-${Date.now()}`;
    const client = await connectRaw(`${demo.wsUrl}?tag=${tag}`, ['mcp']);
    await client.initialize();
    const templates = /** @type {{ result: { resourceTemplates: { uriTemplate: string, name: string }[] } }} */ (await client.request('resources/templates/list', {}));
    assert.deepEqual(templates.result.resourceTemplates.map((t) => [t.uriTemplate, t.name]), [['notes://note/{id}', 'note']]);
    const complete = /** @type {{ result: { completion: { values: string[] } } }} */ (
      await client.request('completion/complete', { ref: { type: 'ref/resource', uri: 'notes://note/{id}' }, argument: { name: 'id', value: 'note-' } })
    );
    assert.deepEqual(complete.result.completion.values, ['note-1', 'note-2', 'note-3', 'note-4', 'note-5']);
    const note = /** @type {{ result: { contents: { text: string }[] } }} */ (await client.request('resources/read', { uri: 'notes://note/note-2' }));
    assert.match(note.result.contents[0]?.text ?? '', /^note-2: Grocery list/);
    const chart = /** @type {{ result: { contents: { mimeType: string, blob: string }[] } }} */ (await client.request('resources/read', { uri: 'notes://chart.png' }));
    assert.equal(chart.result.contents[0]?.mimeType, 'image/png');
    assert.equal(Buffer.from(chart.result.contents[0]?.blob ?? '', 'base64').subarray(1, 4).toString('ascii'), 'PNG');
    const link = /** @type {{ result: { content: Record<string, unknown>[] } }} */ (await client.request('tools/call', { name: 'link_note', arguments: { id: 'note-1' } }));
    assert.deepEqual(link.result.content[1], { type: 'resource_link', uri: 'notes://note/note-1', name: 'note-1', title: 'Quarterly planning', mimeType: 'text/plain', description: 'The note as text' });
    const chime = /** @type {{ result: { content: Record<string, unknown>[] } }} */ (await client.request('tools/call', { name: 'play_chime', arguments: {} }));
    assert.equal(chime.result.content[0]?.mimeType, 'audio/wav');
    assert.equal(Buffer.from(String(chime.result.content[0]?.data), 'base64').toString('ascii', 0, 4), 'RIFF');
    const calls = await fetchJson(hookUrl(demo.httpUrl, 'calls', tag));
    assert.deepEqual(calls.body, { 'completion/complete': 1, link_note: 1, play_chime: 1 });
    await client.close();
  });
});
