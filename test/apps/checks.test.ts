/**
 * The MCP Apps host's checks, one module at a time, without a server: tool and view metadata, CSP
 * domains, the sandbox origin, the sandbox proxy's policy builder, view loading and pinning, and
 * what a view's link, download, message and call requests become.
 */
import { expect } from '@esm-bundle/chai';
import { checkCsp, domainProblem } from '../../src/apps/csp.js';
import { sandboxTarget } from '../../src/apps/sandbox-origin.js';
import { toolUi, viewMeta } from '../../src/apps/ui-meta.js';
import { viewRequestHandler, viewText, type ConsentRequest, type ViewRequestDeps } from '../../src/apps/view-requests.js';
import { loadView } from '../../src/apps/view-resource.js';
import { ViewPins, memoryViewPinStorage, viewPinKey } from '../../src/apps/view-pins.js';
import type { AuditInput } from '../../src/audit/record.js';
import type { GatedTool, ToolCallRequest } from '../../src/gate/tool-gate.js';
import { ErrorCode } from '../../workers/shared/errors.js';
import type { ReadResourceResult, Tool } from '../../workers/shared/wire.js';

const MIME = 'text/html;profile=mcp-app';

/** The proxy page's script (plain JS shipped in public/): its exported helpers. */
interface ProxyModule {
  buildCsp(csp: unknown): string;
  innerSandbox(requested: unknown): string;
  allowList(permissions: unknown): string;
  withCsp(html: string, csp: string): string;
}
const PROXY_URL = new URL('../../public/mcp-app-sandbox.js', import.meta.url).href;
let buildCsp: ProxyModule['buildCsp'];
let innerSandbox: ProxyModule['innerSandbox'];
let allowList: ProxyModule['allowList'];
let withCsp: ProxyModule['withCsp'];
before(async () => {
  ({ buildCsp, innerSandbox, allowList, withCsp } = (await import(/* @vite-ignore */ PROXY_URL)) as ProxyModule);
});
const codeOf = async (p: Promise<unknown>) => p.then(() => 'resolved', (e: { code?: string }) => e.code);

describe('tool and view metadata', () => {
  it('reads resourceUri (and the deprecated flat key) and visibility, failing closed', () => {
    expect(toolUi({ _meta: { ui: { resourceUri: 'ui://a/b' } } })).to.deep.equal({ resourceUri: 'ui://a/b', model: true, app: true });
    expect(toolUi({ _meta: { 'ui/resourceUri': 'ui://old' } })).to.deep.equal({ resourceUri: 'ui://old', model: true, app: true });
    expect(toolUi({ _meta: { ui: { resourceUri: 'https://x', visibility: ['app'] } } })).to.deep.equal({ model: false, app: true });
    expect(toolUi({ _meta: { ui: { visibility: ['model'] } } })).to.deep.equal({ model: true, app: false });
    // "app" as a string (not an array) must not become "everyone".
    expect(toolUi({ _meta: { ui: { visibility: 'app' } } })).to.deep.equal({ model: false, app: false });
    expect(toolUi({})).to.deep.equal({ model: true, app: true });
  });

  it('keeps only typed, bounded view metadata', () => {
    const meta = viewMeta({ ui: { csp: { connectDomains: ['https://api.example', 5, 'x'.repeat(300)], frameDomains: 'nope' }, permissions: { camera: {}, microphone: true, usb: {} }, domain: 'a.example', prefersBorder: 'yes' } });
    expect(meta).to.deep.equal({ csp: { connectDomains: ['https://api.example'], resourceDomains: [], frameDomains: [], baseUriDomains: [] }, permissions: ['camera'], domain: 'a.example' });
  });
});

describe('CSP domains', () => {
  it('accepts origins the spec means and refuses everything that could widen the policy', () => {
    for (const ok of ['https://api.example.com', 'wss://rt.example.com:8443', 'https://*.cdn.example.com', 'http://localhost:5173', 'http://127.0.0.1:9', 'https://x.example/path/']) {
      expect(domainProblem(ok), ok).to.equal(undefined);
    }
    for (const bad of ['*', 'https:', 'https://*', 'https://*.com', "'unsafe-eval'", 'data:', 'blob:', 'http://example.com', 'https://a.example; script-src *', 'https://a.example https://b.example', 'javascript:alert(1)', 'https://user@a.example', 'https://a.example?x=1']) {
      expect(domainProblem(bad), bad).to.be.a('string');
    }
    expect(domainProblem('https://a.example', { allow: ['https://b.example'] })).to.contain('not on the host');
    expect(domainProblem('https://a.example', { deny: ['https://a.example'] })).to.contain('denied');
  });

  it('reports what it refused per directive', () => {
    const { csp, refused } = checkCsp({ connectDomains: ['https://a.example', '*'], resourceDomains: ['https://a.example', 'https://a.example'], frameDomains: [], baseUriDomains: ['data:'] });
    expect(csp).to.deep.equal({ connectDomains: ['https://a.example'], resourceDomains: ['https://a.example'], frameDomains: [], baseUriDomains: [] });
    expect(refused.map((r) => `${r.directive} ${r.domain}`)).to.deep.equal(['connectDomains *', 'baseUriDomains data:']);
  });
});

describe('the sandbox proxy policy (public/mcp-app-sandbox.js)', () => {
  it('is the spec restrictive default without declarations', () => {
    const csp = buildCsp(undefined);
    expect(csp).to.contain("default-src 'none'");
    expect(csp).to.contain("connect-src 'none'");
    expect(csp).to.contain("frame-src 'none'");
    expect(csp).to.contain("object-src 'none'");
    expect(csp).to.contain("base-uri 'self'");
    expect(csp).to.contain("script-src 'self' 'unsafe-inline'");
    expect(csp).to.not.contain('unsafe-eval');
  });

  it('adds declared domains to their directives and drops anything that is not a source', () => {
    const csp = buildCsp({ connectDomains: ['https://api.example', "https://x.example; script-src 'unsafe-eval'"], resourceDomains: ['https://cdn.example'], frameDomains: ['https://video.example'] });
    expect(csp).to.contain('connect-src https://api.example;');
    expect(csp).to.contain("script-src 'self' 'unsafe-inline' https://cdn.example;");
    expect(csp).to.contain('img-src \'self\' data: blob: https://cdn.example;');
    expect(csp).to.contain('frame-src https://video.example;');
    expect(csp).to.not.contain('unsafe-eval');
  });

  it('clamps the inner sandbox, maps permissions, and puts the policy first in <head>', () => {
    expect(innerSandbox('allow-scripts allow-top-navigation allow-popups allow-same-origin')).to.equal('allow-scripts allow-same-origin');
    expect(innerSandbox(undefined)).to.equal('allow-scripts allow-forms');
    expect(allowList({ camera: {}, clipboardWrite: {}, usb: {} })).to.equal('camera; clipboard-write');
    const html = withCsp('<!doctype html><html><head><script>x()</script></head><body></body></html>', "default-src 'none'");
    expect(html).to.match(/<head><meta http-equiv="Content-Security-Policy" content="default-src 'none'"><script>/);
    expect(withCsp('<p>bare</p>', 'a"b')).to.equal('<meta http-equiv="Content-Security-Policy" content="a&quot;b"><p>bare</p>');
  });
});

describe('the sandbox origin', () => {
  it('must be on another host, https (http only on loopback), without credentials', () => {
    const page = 'http://localhost:8000/app';
    expect(sandboxTarget('http://127.0.0.1:9000', page)).to.deep.equal({ ok: true, origin: 'http://127.0.0.1:9000', url: 'http://127.0.0.1:9000/mcp-app-sandbox.html' });
    expect(sandboxTarget('https://sandbox.example/views/proxy.html', 'https://app.example/')).to.deep.include({ ok: true, url: 'https://sandbox.example/views/proxy.html' });
    for (const bad of [undefined, '', 'http://localhost:9000', 'http://sandbox.example', 'https://u:p@sandbox.example', 'not a url']) {
      const target = sandboxTarget(bad, page);
      expect(target.ok, String(bad)).to.equal(false);
      expect(!target.ok && target.code).to.equal(ErrorCode.APP_SANDBOX_UNAVAILABLE);
    }
    expect(sandboxTarget('https://app.example:8443', 'https://app.example/').ok, 'another port of the same host').to.equal(false);
  });
});

describe('loading and pinning a view', () => {
  const reader = (result: ReadResourceResult) => ({ readResource: async () => result });

  it('reads text or base64 HTML with the MCP App type, and refuses the rest', async () => {
    const text = await loadView(reader({ contents: [{ uri: 'ui://v', mimeType: MIME, text: '<p>é</p>' }] }), 'ui://v');
    const blob = await loadView(reader({ contents: [{ uri: 'ui://v', mimeType: 'text/html; profile=mcp-app', blob: btoa(String.fromCharCode(...new TextEncoder().encode('<p>é</p>'))) }] }), 'ui://v');
    expect(blob.html).to.equal('<p>é</p>');
    expect(blob.hash).to.equal(text.hash);
    expect(text.size).to.equal(9);
    const bad = [
      loadView(reader({ contents: [{ uri: 'ui://v', mimeType: 'text/html', text: 'x' }] }), 'ui://v'),
      loadView(reader({ contents: [] }), 'ui://v'),
      loadView(reader({ contents: [{ uri: 'ui://v', mimeType: MIME, blob: btoa('\xff\xfe') }] }), 'ui://v'),
      loadView(reader({ contents: [{ uri: 'ui://v', mimeType: MIME, text: 'x'.repeat(200) }] }), 'ui://v', { maxBytes: 100 }),
      loadView(reader({ contents: [] }), 'https://not-ui'),
    ];
    for (const p of bad) expect(await codeOf(p)).to.equal(ErrorCode.APP_VIEW_INVALID);
  });

  it('a change of HTML or CSP gives another hash; a changed view is quarantined until approved', async () => {
    const a = await loadView(reader({ contents: [{ uri: 'ui://v', mimeType: MIME, text: '<p>a</p>' }] }), 'ui://v');
    const csp = await loadView(reader({ contents: [{ uri: 'ui://v', mimeType: MIME, text: '<p>a</p>', _meta: { ui: { csp: { connectDomains: ['https://evil.example'] } } } }] }), 'ui://v');
    expect(csp.hash).to.not.equal(a.hash);
    const audit: AuditInput[] = [];
    const storage = memoryViewPinStorage();
    const pins = new ViewPins(storage, { append: async (i) => void audit.push(i as AuditInput) });
    const facts = (v: typeof a) => ({ serverUrl: 'https://s.example/mcp', toolName: 't', uri: v.uri, hash: v.hash, size: v.size, csp: v.meta.csp, permissions: v.meta.permissions });
    expect(await pins.check(facts(a))).to.equal('accepted');
    expect(await pins.check(facts(a))).to.equal('accepted');
    expect(await pins.check(facts(csp))).to.equal('quarantined');
    expect(await pins.check(facts(csp))).to.equal('quarantined');
    expect(audit.map((i) => i.kind === 'pin-change' && i.change)).to.deep.equal(['quarantined']);
    // Back to the accepted view: nothing to approve.
    expect(await pins.check(facts(a))).to.equal('accepted');
    expect((await storage.get(viewPinKey('https://s.example/mcp', 'ui://v')))!.pending).to.equal(undefined);
    await pins.approve(facts(csp));
    expect(await pins.check(facts(csp))).to.equal('accepted');
    expect(audit.map((i) => i.kind === 'pin-change' && i.change)).to.deep.equal(['quarantined', 'approved']);
  });
});

describe('view requests', () => {
  const tool: Tool = { name: 'show', inputSchema: { type: 'object' } };
  const target: GatedTool = {
    id: 's__act',
    serverId: 's',
    serverUrl: 'https://s.example/mcp',
    tool: { name: 'act', inputSchema: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] } },
    definitionHash: 'h',
  };

  function setup(consent: boolean) {
    const audit: AuditInput[] = [];
    const asked: ConsentRequest[] = [];
    const delivered: string[] = [];
    const calls: ToolCallRequest[] = [];
    const deps: ViewRequestDeps = {
      gate: {
        tools: () => [target],
        call: async (r) => (calls.push(r), { status: 'ok', result: { content: [{ type: 'text', text: 'done' }] }, forModel: [], withheld: false }),
      },
      readResource: async () => ({ contents: [] }),
      audit: { append: async (i) => void audit.push(i) },
      validate: async (_schema, value) => (typeof (value as { n?: unknown }).n === 'number' ? [] : ['/n: must be a number']),
      consent: async (r) => (asked.push(r), consent),
      deliver: {
        message: (t) => void delivered.push(`message ${t}`),
        modelContext: (t) => void delivered.push(`context ${t}`),
        openLink: (u) => void delivered.push(`open ${u}`),
        download: (f) => void delivered.push(`download ${f.name} ${f.bytes.length}`),
        displayMode: (m) => (m === 'pip' ? 'inline' : m),
      },
    };
    const handle = viewRequestHandler({ serverId: 's', serverUrl: 'https://s.example/mcp', tool, resourceUri: 'ui://s/v' }, deps);
    return { handle, audit, asked, delivered, calls };
  }

  it('opens only safe links, on consent, and flags look-alike hosts', async () => {
    const { handle, asked, delivered, audit } = setup(true);
    for (const url of ['javascript:alert(1)', 'data:text/html,x', 'file:///etc/passwd', 'http://example.com', 'https://u:p@example.com']) {
      expect(await codeOf(handle('ui/open-link', { url })), url).to.equal(ErrorCode.APP_UNSAFE_URL);
    }
    expect(asked).to.deep.equal([]);
    await handle('ui/open-link', { url: 'https://xn--pple-43d.com/login' });
    expect(asked[0]).to.deep.include({ kind: 'open-link', host: 'xn--pple-43d.com', punycode: true });
    expect(delivered).to.deep.equal(['open https://xn--pple-43d.com/login']);
    expect(audit.filter((a) => a.kind === 'view-request').map((a) => a.kind === 'view-request' && a.outcome)).to.deep.equal(['refused', 'refused', 'refused', 'refused', 'refused', 'allowed']);
  });

  it('a declined message, link or download is refused and audited as denied', async () => {
    const { handle, delivered, audit } = setup(false);
    expect(await codeOf(handle('ui/message', { role: 'user', content: [{ type: 'text', text: 'hi' }] }))).to.equal(ErrorCode.APP_DENIED);
    expect(await codeOf(handle('ui/download-file', { contents: [{ type: 'resource', resource: { uri: 'file:///x/report.csv', mimeType: 'text/csv', text: 'a,b' } }] }))).to.equal(ErrorCode.APP_DENIED);
    expect(delivered).to.deep.equal([]);
    expect(audit.map((a) => a.kind === 'view-request' && `${a.method}:${a.outcome}`)).to.deep.equal(['ui/message:denied', 'ui/download-file:denied']);
  });

  it('downloads embedded files under a safe name, and shows the person name and size first', async () => {
    const { handle, asked, delivered } = setup(true);
    await handle('ui/download-file', { contents: [{ type: 'resource', resource: { uri: 'ui://s/..%2F..%2Fetc%2Fpasswd', mimeType: 'text/plain', blob: btoa('abc') } }] });
    expect(asked[0]).to.deep.equal({ kind: 'download', name: '.._.._etc_passwd'.replace(/^\.+/, ''), mimeType: 'text/plain', size: 3 });
    expect(delivered[0]).to.equal(`download ${(asked[0] as { name: string }).name} 3`);
    expect(await codeOf(handle('ui/download-file', { contents: [{ type: 'resource_link', uri: 'https://x.example/f', name: 'f' }] }))).to.equal(ErrorCode.APP_DENIED);
  });

  it('a message is text only and bounded; a context update is delivered and audited', async () => {
    const { handle, asked, delivered } = setup(true);
    await handle('ui/message', { role: 'user', content: [{ type: 'text', text: 'one' }, { type: 'image', data: 'AA', mimeType: 'image/png' }, { type: 'text', text: 'two' }] });
    expect(asked[0]).to.deep.equal({ kind: 'message', text: 'one\n\ntwo', dropped: 1 });
    expect(viewText([{ type: 'text', text: 'x'.repeat(20000) }]).text.length).to.equal(16 * 1024 + 1);
    expect(await codeOf(handle('ui/message', { role: 'assistant', content: [{ type: 'text', text: 'x' }] }))).to.equal(ErrorCode.APP_ARGS_INVALID);
    await handle('ui/update-model-context', { content: [{ type: 'text', text: 'state: 3' }] });
    expect(delivered).to.deep.equal(['message one\n\ntwo', 'context state: 3']);
  });

  it('a call is checked against the input schema (no smuggled properties) before it reaches the gate', async () => {
    const { handle, calls, audit } = setup(true);
    expect(await codeOf(handle('tools/call', { name: 'act', arguments: { n: 'x' } }))).to.equal(ErrorCode.APP_ARGS_INVALID);
    expect(await codeOf(handle('tools/call', { name: 'act', arguments: { n: 1, extra: true } }))).to.equal(ErrorCode.APP_ARGS_INVALID);
    expect(await codeOf(handle('tools/call', { name: 'other', arguments: {} }))).to.equal(ErrorCode.APP_TOOL_FORBIDDEN);
    expect(calls).to.deep.equal([]);
    const result = await handle('tools/call', { name: 'act', arguments: { n: 2 } });
    expect(result).to.deep.equal({ content: [{ type: 'text', text: 'done' }] });
    expect(calls[0]).to.deep.include({ toolId: 's__act', args: { n: 2 }, proposer: { kind: 'app', serverId: 's', tool: 'show', resourceUri: 'ui://s/v' } });
    expect(audit.map((a) => a.kind === 'view-request' && a.outcome)).to.deep.equal(['refused', 'refused', 'refused']);
    expect(await handle('ui/request-display-mode', { mode: 'pip' })).to.deep.equal({ mode: 'inline' });
  });
});
