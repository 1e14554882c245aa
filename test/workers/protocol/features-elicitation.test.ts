/**
 * Elicitation checks without a server: URL safety, the domain and punycode hints, form answers
 * against requestedSchema, completion ids, and URL mode through a modern (2026-07-28) MRTR round.
 */
import { expect } from '@esm-bundle/chai';
import {
  checkElicitationResult,
  checkElicitationUrl,
  elicit,
  parseElicitationRequest,
  PendingUrlElicitations,
} from '../../../workers/protocol/elicitation.js';
import type { ElicitationRequest } from '../../../workers/shared/wire.js';
import { McpClient } from '../../../workers/protocol/client.js';
import { ModernClient } from '../../../workers/protocol/modern-client.js';
import { RpcEngine } from '../../../workers/protocol/rpc.js';
import { ErrorCode } from '../../../workers/shared/errors.js';
import { registrableDomain } from '../../../workers/shared/safe-url.js';
import { InMemoryTransport, ScriptedPeer } from '../../support/in-memory-transport.js';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string; rpcCode?: number }).code ?? (err as { rpcCode?: number }).rpcCode;
  }
  return undefined;
};

describe('URL elicitation safety', () => {
  it('accepts https and loopback http, and describes the host', () => {
    expect(checkElicitationUrl('https://pay.example.co.uk/checkout?x=1')).to.deep.equal({
      url: 'https://pay.example.co.uk/checkout?x=1',
      host: 'pay.example.co.uk',
      domain: 'example.co.uk',
      punycode: false,
    });
    expect(checkElicitationUrl('http://127.0.0.1:8080/dev').domain).to.equal('127.0.0.1');
    expect(checkElicitationUrl('https://xn--80ak6aa92e.com/').punycode).to.equal(true);
    expect(checkElicitationUrl('https://раураl.com/').host).to.match(/^xn--/); // all-Cyrillic look-alike
  });

  for (const bad of ['javascript:alert(1)', 'data:text/html,x', 'file:///etc/passwd', 'http://example.com/', 'https://a:b@example.com/', 'not a url', `https://example.com/${'a'.repeat(2100)}`, 'blob:https://example.com/uuid']) {
    it(`refuses ${bad.slice(0, 30)}`, () => {
      expect(codeOf(() => checkElicitationUrl(bad))).to.equal(ErrorCode.ELICITATION_UNSAFE_URL);
    });
  }

  it('finds the registrable domain the UI should highlight', () => {
    expect(registrableDomain('a.b.example.com')).to.equal('example.com');
    expect(registrableDomain('login.bank.com.au')).to.equal('bank.com.au');
    expect(registrableDomain('example.org')).to.equal('example.org');
    expect(registrableDomain('10.0.0.1')).to.equal('10.0.0.1');
  });
});

describe('Elicitation requests and answers', () => {
  const form = parseElicitationRequest({
    message: 'Your name?',
    requestedSchema: { type: 'object', properties: { name: { type: 'string', maxLength: 5 }, age: { type: 'integer', minimum: 0 } }, required: ['name'] },
  });

  it('treats a missing mode as form and refuses malformed requests with -32602', () => {
    expect(form.mode).to.equal('form');
    expect(codeOf(() => parseElicitationRequest({ message: 'x' }))).to.equal(-32602);
    expect(codeOf(() => parseElicitationRequest({ mode: 'url', message: 'x', url: 'https://e.com' }))).to.equal(-32602);
    expect(codeOf(() => parseElicitationRequest({ mode: 'carrier-pigeon', message: 'x' }))).to.equal(-32602);
    expect(codeOf(() => parseElicitationRequest({ message: 'x', requestedSchema: { $ref: 'https://evil.example/s.json' } }))).to.equal(-32602);
  });

  it('validates form content against requestedSchema before it can be sent', async () => {
    const codeOfAnswer = (answer: unknown) =>
      checkElicitationResult(form, answer).then(
        () => undefined,
        (err: { code?: string }) => err.code,
      );
    expect(await checkElicitationResult(form, { action: 'accept', content: { name: 'Ada', age: 36 } })).to.deep.equal({ action: 'accept', content: { name: 'Ada', age: 36 } });
    expect(await codeOfAnswer({ action: 'accept', content: { name: 'Adalbert' } })).to.equal(ErrorCode.ELICITATION_INVALID);
    expect(await codeOfAnswer({ action: 'accept', content: { age: -1 } })).to.equal(ErrorCode.ELICITATION_INVALID);
    expect(await codeOfAnswer({ action: 'accept' })).to.equal(ErrorCode.ELICITATION_INVALID);
    expect(await codeOfAnswer({ action: 'maybe' })).to.equal(ErrorCode.ELICITATION_INVALID);
    expect(await checkElicitationResult(form, { action: 'decline', content: { leaked: true } })).to.deep.equal({ action: 'decline' });
  });

  it('sends no content for URL mode and remembers accepted ids for one completion each', async () => {
    const pending = new PendingUrlElicitations();
    const params = { mode: 'url', message: 'Pay', url: 'https://pay.example.com/x', elicitationId: 'e1' };
    expect(await elicit(params, async () => ({ action: 'accept', content: { x: 1 } }), pending)).to.deep.equal({ action: 'accept' });
    expect(pending.complete({ elicitationId: 'unknown' })).to.equal(undefined);
    expect(pending.complete({ elicitationId: 'e1' })).to.equal('e1');
    expect(pending.complete({ elicitationId: 'e1' })).to.equal(undefined); // already completed
    await elicit({ ...params, elicitationId: 'e2' }, async () => ({ action: 'decline' }), pending);
    expect(pending.complete({ elicitationId: 'e2' })).to.equal(undefined); // declined: nothing to complete
  });
});

describe('URL elicitation in the modern era (MRTR)', () => {
  it('answers an embedded URL elicitation and retries with the consent, never with content', async () => {
    const [clientEnd, serverEnd] = InMemoryTransport.createLinkedPair();
    const peer = new ScriptedPeer(serverEnd);
    const pending = new PendingUrlElicitations();
    const shown: ElicitationRequest[] = [];
    const client = new ModernClient(new RpcEngine(clientEnd), {
      clientInfo: { name: 't', version: '1' },
      capabilities: { elicitation: { form: {}, url: {} } },
      protocolVersion: '2026-07-28',
      onInput: (request) => elicit(request.params, async (r) => (shown.push(r), { action: 'accept' }), pending),
    });
    let round = 0;
    peer.on('tools/call', (params) => {
      if (round++ === 0) {
        return {
          resultType: 'input_required',
          requestState: 'opaque-1',
          inputRequests: { link: { method: 'elicitation/create', params: { mode: 'url', message: 'Link it', url: 'https://xn--e1afmkfd.example/link', elicitationId: 'm1' } } },
        };
      }
      return { resultType: 'complete', content: [{ type: 'text', text: JSON.stringify(params?.inputResponses) }] };
    });
    const result = await client.callTool('link', {});
    expect(shown[0]).to.include({ mode: 'url', elicitationId: 'm1', punycode: true, domain: 'xn--e1afmkfd.example' });
    expect(result.content).to.deep.equal([{ type: 'text', text: JSON.stringify({ link: { action: 'accept' } }) }]);
    expect(peer.requests[1]!.params!.requestState).to.equal('opaque-1');
  });

  it('fails the call with TG_ELICITATION_UNSAFE_URL when the embedded URL is unsafe', async () => {
    const [clientEnd, serverEnd] = InMemoryTransport.createLinkedPair();
    const peer = new ScriptedPeer(serverEnd);
    let asked = 0;
    const client = new ModernClient(new RpcEngine(clientEnd), {
      clientInfo: { name: 't', version: '1' },
      protocolVersion: '2026-07-28',
      onInput: (request) => elicit(request.params, async () => (asked++, { action: 'accept' }), new PendingUrlElicitations()),
    });
    peer.on('tools/call', () => ({
      resultType: 'input_required',
      inputRequests: { x: { method: 'elicitation/create', params: { mode: 'url', message: 'm', url: 'javascript:alert(1)', elicitationId: 'z' } } },
    }));
    const err = await client.callTool('x', {}).then(() => undefined, (e: { code?: string }) => e);
    expect(err?.code).to.equal(ErrorCode.ELICITATION_UNSAFE_URL);
    expect(asked).to.equal(0);
  });
});

describe('URLElicitationRequiredError (-32042)', () => {
  it('becomes TG_URL_ELICITATION_REQUIRED carrying only the checked URL elicitations', async () => {
    const [clientEnd, serverEnd] = InMemoryTransport.createLinkedPair();
    const peer = new ScriptedPeer(serverEnd);
    peer.on('initialize', () => ({ protocolVersion: '2025-11-25', capabilities: { tools: {} }, serverInfo: { name: 's', version: '1' } }));
    peer.on('tools/call', (_params, id) => {
      peer.send({
        jsonrpc: '2.0',
        id,
        error: {
          code: -32042,
          message: 'This request requires more information.',
          data: {
            elicitations: [
              { mode: 'url', elicitationId: 'a1', url: 'https://auth.example.com/connect?x=1', message: 'Authorize access' },
              { mode: 'url', elicitationId: 'a2', url: 'javascript:alert(1)', message: 'evil' },
              'garbage',
            ],
          },
        },
      });
      return undefined;
    });
    const client = new McpClient(new RpcEngine(clientEnd), { clientInfo: { name: 't', version: '1' } });
    await client.initialize();
    const err = await client.callTool('x', {}).then(() => undefined, (e: { code?: string; data?: { elicitations: ElicitationRequest[] } }) => e);
    expect(err?.code).to.equal(ErrorCode.URL_ELICITATION_REQUIRED);
    expect(err?.data?.elicitations).to.have.length(1);
    expect(err?.data?.elicitations[0]).to.include({ mode: 'url', elicitationId: 'a1', domain: 'example.com' });
  });
});
