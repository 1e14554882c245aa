/**
 * The model's Markdown: sanitized (XSS payloads stay inert), raw HTML shown as text, links opened
 * safely with their URL visible, remote images not fetched unless their origin is allowed, and the
 * Trusted Types policy doing the parsing on a page that enforces Trusted Types.
 */
import { expect, fixture, fixtureCleanup, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/agent/tg-agent.js';
import type { TgAgent } from '../../src/elements/agent/tg-agent.js';
import { HostFunctionProvider } from '../../src/llm/host-function.js';
import { loadMarkdown } from '../../src/markdown/load.js';
import { deleteToolgateDb, toolgateDbName } from '../../src/storage/db.js';
import { testEnv } from '../support/env.js';

const WAIT = { timeout: 15000 };

declare global {
  interface Window {
    __xss?: number;
  }
}

const XSS = [
  '<img src=x onerror="window.__xss=1">',
  '[click](javascript:window.__xss=1)',
  '[click](JaVaScRiPt:window.__xss=1)',
  '![pic](javascript:window.__xss=1)',
  '<script>window.__xss=1</script>',
  '<svg onload="window.__xss=1"><circle r="5"/></svg>',
  '<iframe src="javascript:window.__xss=1"></iframe>',
  '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
  '[data](data:text/html,<script>window.__xss=1</script>)',
  '<a href="javascript:window.__xss=1">a</a>',
  '<details open ontoggle="window.__xss=1">x</details>',
  '<style>*{display:none}</style>',
  '<p style="position:fixed;inset:0">cover</p>',
  '<form action="https://evil.example"><input name=x></form>',
];

async function render(markdown: string, allowedOrigins: string[] = []): Promise<HTMLElement> {
  const { renderMarkdown } = await loadMarkdown();
  const host = document.createElement('div');
  host.append(renderMarkdown(markdown, { allowedOrigins: new Set(allowedOrigins) }));
  document.body.append(host);
  return host;
}

function resourceEntries(part: string): PerformanceResourceTiming[] {
  return (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((e) => e.name.includes(part));
}

describe('Markdown for the model text', function () {
  this.timeout(60000);
  const tenants: string[] = [];
  afterEach(async () => {
    fixtureCleanup();
    document.querySelectorAll('body > div.md-test').forEach((n) => n.remove());
    for (const t of tenants.splice(0)) await deleteToolgateDb(toolgateDbName(t));
  });

  it('keeps XSS payloads inert: no script, handler, frame, svg, style, form or javascript:/data: link survives', async () => {
    for (const payload of XSS) {
      const host = await render(payload);
      host.className = 'md-test';
      // Give an event handler or a frame the chance to run, had it survived.
      await new Promise((r) => setTimeout(r, 0));
      const markup = host.innerHTML;
      expect(host.querySelector('script, iframe, svg, style, form, input, details, object, embed'), markup).to.equal(null);
      for (const element of host.querySelectorAll('*')) {
        for (const { name, value } of element.attributes) {
          expect(name.startsWith('on') || name === 'style' || name === 'srcdoc', `${name} in ${markup}`).to.equal(false);
          expect(/^\s*(javascript|data):/i.test(value), `${name}="${value}" in ${markup}`).to.equal(false);
        }
      }
      expect(window.__xss, payload).to.equal(undefined);
    }
  });

  it('shows raw HTML from the model as text and renders Markdown', async () => {
    const host = await render('# Title\n\nSome *em* and **strong** and `code`\n\n- one\n- two\n\n<b>bold?</b>\n\n```\nx < y\n```');
    host.className = 'md-test';
    expect(host.querySelector('h1')?.textContent).to.equal('Title');
    expect(host.querySelector('em')?.textContent).to.equal('em');
    expect(host.querySelector('strong')?.textContent).to.equal('strong');
    expect(host.querySelectorAll('li')).to.have.length(2);
    expect(host.querySelector('pre code')?.textContent).to.equal('x < y\n');
    expect(host.querySelector('b'), 'raw HTML is not rendered').to.equal(null);
    expect(host.textContent).to.include('<b>bold?</b>');
  });

  it('opens links in a new tab without referrer or opener, shows the URL as title and the domain of an origin not allowed', async () => {
    const host = await render('[docs](https://docs.example/a?b=1) and [ours](https://ours.example/x)', ['https://ours.example']);
    host.className = 'md-test';
    const [docs, ours] = [...host.querySelectorAll('a')];
    for (const a of [docs!, ours!]) {
      expect(a.target).to.equal('_blank');
      expect(a.rel.split(' ').sort()).to.deep.equal(['nofollow', 'noopener', 'noreferrer']);
    }
    expect(docs!.title).to.equal('https://docs.example/a?b=1');
    expect(docs!.getAttribute('data-tg-domain')).to.equal('docs.example');
    expect(ours!.hasAttribute('data-tg-domain'), 'allowed origin is not flagged').to.equal(false);
  });

  it('does not fetch an image from an origin that is not allowed; the person can load it', async () => {
    const allowedOrigin = location.origin;
    const blockedOrigin = testEnv().serverOrigin;
    const token = crypto.randomUUID();
    const blockedUrl = `${blockedOrigin}/leak.png?secret=${token}`;
    const allowedUrl = `${allowedOrigin}/allowed-${token}.png`;
    const answer = `Here: ![chart](${blockedUrl}) and ![ok](${allowedUrl})`;
    const t = `test-${crypto.randomUUID()}`;
    tenants.push(t);
    const el = await fixture<TgAgent>(
      html`<tg-agent
        tenant=${t}
        allowed-origins=${allowedOrigin}
        .provider=${new HostFunctionProvider(async () => ({ text: answer }))}
      ></tg-agent>`,
    );
    await waitUntil(() => el.agentStatus === 'ready', 'agent ready', WAIT);
    await el.send('show me');
    const root = el.shadowRoot!;
    await waitUntil(() => root.querySelector('.markdown'), 'markdown rendered', WAIT);
    const holder = root.querySelector('.blocked-image')!;
    expect(holder, 'placeholder').to.exist;
    expect(holder.textContent).to.include('chart');
    expect(holder.querySelector('code')?.textContent).to.equal(blockedUrl);
    const button = holder.querySelector('button')!;
    expect(button.textContent).to.equal(`Load image from ${new URL(blockedOrigin).host}`);
    const images = [...root.querySelectorAll<HTMLImageElement>('.markdown img')];
    expect(images.map((i) => i.src)).to.deep.equal([allowedUrl]);
    expect(images[0]!.referrerPolicy).to.equal('no-referrer');
    // The allowed image was requested; the blocked one, inserted at the same moment, was not.
    await waitUntil(() => resourceEntries(`allowed-${token}`).length > 0, 'allowed image requested', WAIT);
    expect(resourceEntries(`secret=${token}`)).to.have.length(0);
    await expect(el).to.be.accessible();

    button.click();
    await waitUntil(() => resourceEntries(`secret=${token}`).length > 0, 'image requested after the click', WAIT);
    expect(root.querySelector('.blocked-image')).to.equal(null);
  });

  it('parses through the toolgate-markdown Trusted Types policy on a page that enforces Trusted Types', async () => {
    if (!('trustedTypes' in window)) {
      // No Trusted Types in this browser (Firefox ESR): the renderer works without them.
      const host = await render('**ok** <img src=x onerror="window.__xss=1">');
      host.className = 'md-test';
      expect(host.querySelector('strong')?.textContent).to.equal('ok');
      expect(host.querySelector('img')).to.equal(null);
      return;
    }
    const module = new URL('/src/markdown/render.ts', location.origin).href;
    const frame = document.createElement('iframe');
    frame.className = 'md-test';
    // Only our policy may exist: DOMPurify must not fall back to its own `dompurify` policy.
    frame.srcdoc = `<!doctype html><meta http-equiv="Content-Security-Policy" content="require-trusted-types-for 'script'; trusted-types toolgate-markdown">
      <body><script type="module">
        const result = {};
        try { document.body.innerHTML = '<b>x</b>'; result.enforced = false; } catch { result.enforced = true; }
        try {
          const { renderMarkdown } = await import(${JSON.stringify(module)});
          const div = document.createElement('div');
          div.append(renderMarkdown('**bold** <img src=x onerror="parent.__xss=1">'));
          document.body.append(div);
          result.strong = div.querySelector('strong')?.textContent;
          result.img = div.querySelector('img') !== null;
        } catch (err) { result.error = String(err); }
        window.__result = result;
      </script>`;
    document.body.append(frame);
    const win = () => frame.contentWindow as (Window & { __result?: Record<string, unknown> }) | null;
    await waitUntil(() => win()?.__result, 'frame finished', WAIT);
    expect(win()!.__result).to.deep.equal({ enforced: true, strong: 'bold', img: false });
    frame.remove();
  });
});
