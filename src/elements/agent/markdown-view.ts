/**
 * The model's text as Markdown (sanitized, images and links gated; see `src/markdown/render.ts`).
 * Plain text until the renderer's chunk has loaded; then each message renders to a node that is
 * cached while its text and the allowed origins stay the same, so a finished message is parsed
 * once and a streaming one once per chunk.
 */
import { html, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { loadMarkdown, markdownRenderer } from '../../markdown/load.js';

interface Cached {
  text: string;
  origins: string;
  node: HTMLElement;
}

/** Messages kept rendered; an older one is re-rendered if it is shown again. */
const CACHE_SIZE = 500;

export class MarkdownView implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #allowedOrigins: () => readonly string[];
  readonly #cache = new Map<string, Cached>();
  #failed = false;

  constructor(host: ReactiveControllerHost, allowedOrigins: () => readonly string[]) {
    this.#host = host;
    this.#allowedOrigins = allowedOrigins;
    host.addController(this);
  }

  hostConnected(): void {}

  /** One message's text: a Markdown node once the renderer is loaded, plain text before (or if it failed to load). */
  render(id: string, text: string): TemplateResult | HTMLElement {
    const renderer = markdownRenderer();
    if (!renderer) {
      if (!this.#failed) {
        loadMarkdown().then(
          () => this.#host.requestUpdate(),
          () => {
            this.#failed = true;
          },
        );
      }
      return html`<div class="text">${text}</div>`;
    }
    const allowed = normalizeOrigins(this.#allowedOrigins());
    const origins = [...allowed].join(' ');
    const hit = this.#cache.get(id);
    if (hit && hit.text === text && hit.origins === origins) return hit.node;
    const node = document.createElement('div');
    node.className = 'markdown';
    node.append(renderer.renderMarkdown(text, { allowedOrigins: allowed }));
    // The person's click is the consent to fetch a blocked image.
    node.addEventListener('click', (event) => {
      const target = event.target;
      if (target instanceof Element && target.closest('button')) renderer.loadBlockedImage(target.closest('button')!);
    });
    this.#cache.delete(id);
    this.#cache.set(id, { text, origins, node });
    if (this.#cache.size > CACHE_SIZE) this.#cache.delete(this.#cache.keys().next().value!);
    return node;
  }
}

/** `https://a.example/path` → `https://a.example`; anything that is not an http(s) URL is ignored. */
export function normalizeOrigins(list: readonly string[]): Set<string> {
  const origins = new Set<string>();
  for (const entry of list) {
    try {
      const url = new URL(entry);
      if (url.protocol === 'https:' || url.protocol === 'http:') origins.add(url.origin);
    } catch {
      /* not a URL: ignored */
    }
  }
  return origins;
}
