/**
 * Client features end to end in a real browser: page → comlink → the real worker → the demo MCP
 * server (official SDK): structured output checked against outputSchema, completion (and the
 * page's debounced Completer), logging, and elicitation in form and URL mode.
 */
import { expect } from '@esm-bundle/chai';
import { Completer } from '../../src/connections/completion.js';
import { McpConnection } from '../../src/connections/connection.js';
import type { ElicitationHandler } from '../../workers/shared/connection-types.js';
import type { ElicitationRequest, LogMessage, TaskState } from '../../workers/shared/wire.js';
import { ErrorCode } from '../../workers/shared/errors.js';
import { rejection, waitFor } from '../support/async.js';
import { taggedHttpUrl, taggedWsUrl, testEnv, uniqueTag } from '../support/env.js';
import { closedAfterEach } from '../support/cleanup.js';
import { textOf } from '../support/connections.js';

const open = closedAfterEach<McpConnection>();
async function connect(onElicit?: ElicitationHandler, url = taggedWsUrl(uniqueTag())) {
  const connection = await McpConnection.open({ url }, onElicit ? { onElicit } : {});
  open.push(connection);
  return connection;
}

describe('Structured output against a real server', () => {
  it('returns structuredContent that matches the tool outputSchema', async () => {
    const connection = await connect();
    const tools = await connection.listTools();
    expect(tools.find((t) => t.name === 'note_stats')?.outputSchema).to.be.an('object');
    const result = await connection.callTool('note_stats', {});
    expect(result.structuredContent).to.deep.equal({ count: 5, tags: ['home', 'planning', 'reading', 'security', 'travel', 'work'] });
  });
});

describe('Completion against a real server', () => {
  const ref = { type: 'ref/prompt', name: 'notes_by_tag' } as const;

  it('completes a prompt argument with the server completable()', async () => {
    const connection = await connect();
    expect(connection.info?.capabilities.completions).to.be.an('object');
    expect((await connection.complete(ref, { name: 'tag', value: 'wo' })).values).to.deep.equal(['work']);
    expect((await connection.complete(ref, { name: 'tag', value: '' })).values).to.have.length(6);
    const bad = await rejection(connection.complete({ type: 'ref/prompt', name: 'no_such_prompt' }, { name: 'tag', value: 'x' }));
    expect(bad.code).to.equal(ErrorCode.RPC_ERROR);
    const badArg = await rejection(connection.complete(ref, { name: 'tag', value: 42 as unknown as string }));
    expect(badArg.code).to.equal('ERR_INVALID_ARG_TYPE');
  });

  it('Completer debounces keystrokes into one request and answers only the latest', async () => {
    const connection = await connect();
    const asked: string[] = [];
    const completer = new Completer({ complete: (r, a, c) => (asked.push(a.value), connection.complete(r, a, c)) }, ref, { debounceMs: 30 });
    const typed = ['p', 'pl', 'pla'].map((value) => completer.request('tag', value));
    expect(await Promise.all(typed)).to.deep.equal([null, null, { values: ['planning'], total: 1, hasMore: false }]);
    expect(asked).to.deep.equal(['pla']);
  });

  it('Completer drops a slow answer to an older value', async () => {
    const connection = await connect();
    let releaseSlow!: () => void;
    const slowGate = new Promise<void>((resolve) => (releaseSlow = resolve));
    const completer = new Completer(
      {
        complete: async (r, a, c) => {
          if (a.value === 'w') await slowGate; // the first answer arrives last
          return connection.complete(r, a, c);
        },
      },
      ref,
      { debounceMs: 0 },
    );
    const older = completer.request('tag', 'w');
    await new Promise((resolve) => setTimeout(resolve, 20)); // past the debounce: 'w' is in flight
    const newer = completer.request('tag', 're');
    expect((await newer)?.values).to.deep.equal(['reading']);
    releaseSlow();
    expect(await older).to.equal(null);
  });
});

describe('Logging against a real server', () => {
  for (const transport of ['websocket', 'http'] as const) {
    it(`delivers log messages at or above the level set (${transport})`, async () => {
      const connection = await connect(undefined, transport === 'websocket' ? taggedWsUrl(uniqueTag()) : taggedHttpUrl(uniqueTag()));
      const logs: LogMessage[] = [];
      connection.addEventListener('log', (event) => logs.push(event.detail));
      await connection.setLogLevel('warning');
      expect(textOf((await connection.callTool('log_steps', {})).content)).to.equal('logged 4 steps');
      await waitFor(() => (logs.length >= 2 ? true : undefined), 'two log events');
      expect(logs).to.deep.equal([
        { level: 'warning', logger: 'log_steps', data: { step: 'warning' } },
        { level: 'error', logger: 'log_steps', data: { step: 'error' } },
      ]);
      const bad = await rejection(connection.setLogLevel('loud' as 'info'));
      expect(bad.code).to.equal('ERR_INVALID_ARG_TYPE');
    });
  }
});

describe('Elicitation against a real server', () => {
  it('URL mode: hands the page the checked URL and its domain, never fetches it, and forwards completion', async () => {
    const seen: ElicitationRequest[] = [];
    const connection = await connect(async (request) => {
      seen.push(request);
      return { action: 'accept' };
    });
    const completed = new Promise<string>((resolve) =>
      connection.addEventListener('elicitation-complete', (e) => resolve(e.detail.elicitationId), { once: true }),
    );
    const result = await connection.callTool('link_account', {});
    const request = seen[0];
    if (request?.mode !== 'url') throw new Error('expected a URL elicitation');
    expect(request.url).to.match(/^https:\/\/accounts\.example\.com\/link\?session=/);
    expect(request).to.include({ host: 'accounts.example.com', domain: 'example.com', punycode: false });
    expect(textOf(result.content)).to.equal(`link accept (${request.elicitationId})`);
    expect(await completed).to.equal(request.elicitationId);
  });

  it('URL mode: flags a punycode host for a warning', async () => {
    const seen: ElicitationRequest[] = [];
    const connection = await connect(async (request) => (seen.push(request), { action: 'decline' }));
    const result = await connection.callTool('link_account', { url: 'https://аpple.com/login' }); // Cyrillic "а"
    const request = seen[0];
    if (request?.mode !== 'url') throw new Error('expected a URL elicitation');
    expect(request.punycode).to.equal(true);
    expect(request.domain).to.match(/^xn--/);
    expect(textOf(result.content)).to.match(/^link decline/);
  });

  for (const url of ['javascript:alert(1)', 'data:text/html,<b>hi</b>', 'http://evil.example/', 'https://user:pw@example.com/']) {
    it(`URL mode: refuses ${url.slice(0, 20)} without asking the page, and the connection survives`, async () => {
      let asked = 0;
      const connection = await connect(async () => (asked++, { action: 'accept' }));
      const problem = new Promise<{ code?: string }>((resolve) =>
        connection.addEventListener('problem', (e) => resolve(e.detail.error as { code?: string }), { once: true }),
      );
      const result = await connection.callTool('link_account', { url });
      expect(result.isError).to.equal(true);
      expect((await problem).code).to.equal(ErrorCode.ELICITATION_UNSAFE_URL);
      expect(asked).to.equal(0);
      expect(textOf((await connection.callTool('echo', { text: 'still here' })).content)).to.equal('still here');
    });
  }

  it('form mode: content that breaks requestedSchema is not sent (TG_ELICITATION_INVALID); valid content is', async () => {
    const answers = [{ title: 'x'.repeat(51) }, { title: 'Q3 planning' }];
    const connection = await connect(async (request) => {
      expect(request.mode).to.equal('form');
      return { action: 'accept', content: answers.shift()! };
    });
    const problem = new Promise<{ code?: string }>((resolve) =>
      connection.addEventListener('problem', (e) => resolve(e.detail.error as { code?: string }), { once: true }),
    );
    const refused = await connection.callTool('retitle_note', { id: 'note-1' });
    expect(refused.isError).to.equal(true);
    expect((await problem).code).to.equal(ErrorCode.ELICITATION_INVALID);
    const accepted = await connection.callTool('retitle_note', { id: 'note-1' });
    expect(textOf(accepted.content)).to.equal('Retitled note-1: Q3 planning');
  });
});

describe('Tasks against a real server (SDK experimental tasks)', () => {
  it('runs a tool as a task: the call resolves with the final result while status flows to the page', async () => {
    const connection = await connect();
    const tools = await connection.listTools();
    expect(tools.find((t) => t.name === 'count_task')?.execution?.taskSupport).to.equal('optional');
    const statuses: TaskState[] = [];
    const events: string[] = [];
    connection.addEventListener('task-status', (e) => events.push(e.detail.task.status));
    const result = await connection.callTool('count_task', { count: 4, delayMs: 40 }, { task: true, onTaskStatus: (t) => statuses.push(t) });
    expect(textOf(result.content)).to.equal('counted to 4');
    await waitFor(() => (statuses.some((s) => s.status === 'completed') ? true : undefined), 'the completed status');
    expect(statuses[0]!.status).to.equal('working');
    expect(statuses.some((s) => /^step \d of 4$/.test(s.statusMessage ?? ''))).to.equal(true);
    expect(new Set(statuses.map((s) => s.taskId)).size).to.equal(1);
    expect(events).to.include('completed');
  });

  it('cancelling a task call rejects with TG_CANCELLED and the connection keeps working', async () => {
    const connection = await connect();
    await connection.listTools();
    const controller = new AbortController();
    const call = connection.callTool('count_task', { count: 200, delayMs: 50 }, { task: true, signal: controller.signal, onTaskStatus: () => controller.abort('stop pressed') });
    const err = await rejection(call);
    expect(err.code).to.equal(ErrorCode.CANCELLED);
    expect(textOf((await connection.callTool('echo', { text: 'after task' })).content)).to.equal('after task');
  });
});

describe('Resource subscriptions against a real server (legacy)', () => {
  it('delivers resources/updated for a subscribed URI as a resource-updated event, and stops after unsubscribe', async () => {
    const connection = await connect(async () => ({ action: 'accept', content: { title: `Renamed ${Math.random().toFixed(4)}` } }));
    expect(connection.info?.capabilities.resources?.subscribe).to.equal(true);
    const updates: string[] = [];
    connection.addEventListener('resource-updated', (e) => updates.push(e.detail.uri));
    await connection.subscribeResource('notes://index');
    await connection.callTool('retitle_note', { id: 'note-2' });
    await waitFor(() => (updates.length > 0 ? true : undefined), 'a resource-updated event');
    expect(updates).to.deep.equal(['notes://index']);
    const index = await connection.readResource('notes://index');
    expect(JSON.stringify(index.contents)).to.contain('Renamed');
    await connection.unsubscribeResource('notes://index');
    await connection.callTool('retitle_note', { id: 'note-3' });
    await connection.callTool('echo', { text: 'barrier' }); // the server's notification, had there been one, came before this answer
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(updates).to.have.length(1);
  });

  it('refuses a subscription the server does not offer with TG_UNSUPPORTED_FEATURE', async () => {
    const connection = await McpConnection.open({ url: (testEnv() as unknown as { sdkJsonUrl: string }).sdkJsonUrl });
    open.push(connection);
    if (connection.info?.capabilities.resources?.subscribe === true) throw new Error('the SDK test server now offers subscriptions: pick another');
    expect((await rejection(connection.subscribeResource('file:///x'))).code).to.equal(ErrorCode.UNSUPPORTED_FEATURE);
  });
});
