/**
 * Markdown for the model's text: `marked` → `DOMPurify` (strict allow-list) → the image and link
 * gate → a DocumentFragment the element inserts as a node.
 *
 * The model's output is untrusted (a tool result can prompt-inject it), so:
 * - raw HTML in the Markdown is escaped by marked, not passed through; DOMPurify then keeps only
 *   the tags and attributes marked emits for Markdown (no `style`, no `class`, no handlers, no
 *   forms), and only `http:`, `https:` and `mailto:` links;
 * - remote images are fetched only from the host's allowed origins: an image URL can carry data
 *   in its query (an exfiltration channel), so any other image becomes a placeholder showing its
 *   alt text and URL as text, with a button to load it on the person's say-so;
 * - links open in a new tab with `rel="noopener noreferrer nofollow"` and their full URL as the
 *   title; a link to an origin that is not allowed also shows its domain.
 *
 * No HTML string reaches a DOM sink of the live document: DOMPurify parses into an inert document
 * (DOMParser: no scripts run, no images load) and returns a fragment owned by it, which is gated
 * before it is adopted into the page. When the page has Trusted Types, that one parse goes through
 * the `toolgate-markdown` policy, so a page enforcing `require-trusted-types-for 'script'` (with
 * `trusted-types toolgate-markdown` if it lists policy names) works.
 *
 * Loaded with a dynamic `import()` on the first message that needs it (see `load.ts`), so marked
 * and DOMPurify stay out of the main chunk.
 */
import DOMPurify, { type Config } from 'dompurify';
import { Marked } from 'marked';

export interface MarkdownOptions {
  /** Origins (`https://img.example`) whose images load and whose links are not flagged. */
  allowedOrigins?: ReadonlySet<string>;
}

/** Marks a blocked image's placeholder; its button loads the image (see `loadBlockedImage`). */
export const BLOCKED_IMAGE_ATTRIBUTE = 'data-tg-image-src';

/** The model's text can be long; bigger input is cut (and says so) rather than parsed. */
export const MAX_MARKDOWN_CHARS = 200_000;

const ALLOWED_TAGS = [
  'p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'em', 'strong', 'del', 'code', 'pre', 'blockquote',
  'ul', 'ol', 'li', 'a', 'img', 'table', 'thead', 'tbody', 'tr', 'th', 'td',
];
const ALLOWED_ATTR = ['href', 'src', 'alt', 'title', 'start', 'align'];
/** Absolute http(s) and mailto only: relative URLs would resolve against the host page. */
const ALLOWED_URI_REGEXP = /^(?:https?:|mailto:)/i;

/** DOMPurify's view of a Trusted Types policy (the DOM lib of TypeScript has no Trusted Types yet). */
type TrustedTypePolicyLike = NonNullable<Config['TRUSTED_TYPES_POLICY']>;
interface TrustedTypesLike {
  createPolicy(name: string, rules: { createHTML?: (input: string) => string; createScriptURL?: (input: string) => string }): TrustedTypePolicyLike;
}

/**
 * The `toolgate-markdown` policy, when the browser has Trusted Types. Its `createHTML` is only
 * ever handed to DOMPurify, which uses it to parse the dirty markup into an inert DOMParser
 * document before sanitizing it; the policy object never leaves this module. Identity on
 * purpose: DOMPurify forbids a policy that calls back into it.
 */
const policy: TrustedTypePolicyLike | undefined = (() => {
  const tt = (globalThis as { trustedTypes?: TrustedTypesLike }).trustedTypes;
  if (!tt) return undefined;
  return tt.createPolicy('toolgate-markdown', {
    createHTML: (input) => input,
    createScriptURL: () => {
      throw new TypeError('toolgate-markdown creates no script URLs');
    },
  });
})();

const marked = new Marked({ gfm: true, async: false });
marked.use({
  renderer: {
    // Raw HTML from the model is shown as text, not rendered.
    html: ({ text }) => escapeHtml(text),
  },
});

const purify = DOMPurify(window);

/** The origins of the call in progress (sanitize is synchronous, so one slot is enough). */
let currentAllowed: ReadonlySet<string> = new Set();

purify.addHook('afterSanitizeAttributes', (node) => {
  if (!(node instanceof Element)) return;
  if (node.localName === 'a') gateLink(node);
  else if (node.localName === 'img') gateImage(node);
});

/** Renders Markdown to a fragment ready to insert (owned by an inert document until adopted). */
export function renderMarkdown(markdown: string, options: MarkdownOptions = {}): DocumentFragment {
  const cut = markdown.length > MAX_MARKDOWN_CHARS;
  const source = cut ? markdown.slice(0, MAX_MARKDOWN_CHARS) : markdown;
  const html = marked.parse(source) as string;
  currentAllowed = options.allowedOrigins ?? new Set();
  let fragment: DocumentFragment;
  try {
    fragment = purify.sanitize(html, {
      ALLOWED_TAGS,
      ALLOWED_ATTR,
      ALLOWED_URI_REGEXP,
      ALLOW_DATA_ATTR: false,
      ALLOW_ARIA_ATTR: false,
      RETURN_DOM_FRAGMENT: true,
      // The policy is ours (or none without Trusted Types): never DOMPurify's own `dompurify` one.
      TRUSTED_TYPES_POLICY: policy ?? null,
    });
  } finally {
    currentAllowed = new Set();
  }
  placeholders(fragment);
  if (cut) {
    const note = fragment.ownerDocument.createElement('p');
    note.textContent = `(text cut at ${MAX_MARKDOWN_CHARS} characters)`;
    fragment.append(note);
  }
  return fragment;
}

/**
 * Replaces a blocked image's placeholder with the image, after the person asked for it. Returns
 * the image, or `undefined` when `button` is not a placeholder's load button.
 */
export function loadBlockedImage(button: Element): HTMLImageElement | undefined {
  const holder = button.closest(`[${BLOCKED_IMAGE_ATTRIBUTE}]`);
  const src = holder?.getAttribute(BLOCKED_IMAGE_ATTRIBUTE);
  if (!holder || !src || httpOrigin(src) === undefined) return undefined;
  const img = button.ownerDocument.createElement('img');
  img.referrerPolicy = 'no-referrer';
  img.alt = holder.querySelector('[data-alt]')?.textContent ?? '';
  img.src = src;
  holder.replaceWith(img);
  return img;
}

function gateLink(a: Element): void {
  const href = a.getAttribute('href');
  if (!href) return;
  a.setAttribute('target', '_blank');
  a.setAttribute('rel', 'noopener noreferrer nofollow');
  a.setAttribute('title', href);
  const origin = httpOrigin(href);
  if (origin !== undefined && !currentAllowed.has(origin)) a.setAttribute('data-tg-domain', new URL(href).host);
}

/** Blocked images lose their `src` here, inside the inert document, so they are never fetched. */
function gateImage(img: Element): void {
  const src = img.getAttribute('src') ?? '';
  const origin = httpOrigin(src);
  if (origin !== undefined && currentAllowed.has(origin)) {
    img.setAttribute('referrerpolicy', 'no-referrer');
    img.setAttribute('loading', 'lazy');
    return;
  }
  img.removeAttribute('src');
  img.setAttribute('data-tg-blocked', origin === undefined ? '' : src);
}

/** Turns gated images into placeholders: alt text, URL as text, and a button when it is http(s). */
function placeholders(fragment: DocumentFragment): void {
  for (const img of fragment.querySelectorAll('img[data-tg-blocked]')) {
    const doc = img.ownerDocument;
    const src = img.getAttribute('data-tg-blocked') ?? '';
    const holder = doc.createElement('span');
    holder.className = 'blocked-image';
    const alt = doc.createElement('span');
    alt.setAttribute('data-alt', '');
    alt.textContent = img.getAttribute('alt') || 'Image';
    holder.append(alt);
    if (src) {
      holder.setAttribute(BLOCKED_IMAGE_ATTRIBUTE, src);
      const url = doc.createElement('code');
      url.textContent = src;
      const button = doc.createElement('button');
      button.type = 'button';
      button.textContent = `Load image from ${new URL(src).host}`;
      holder.append(' ', url, ' ', button);
    } else {
      holder.append(' (image not shown)');
    }
    img.replaceWith(holder);
  }
}

function httpOrigin(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
