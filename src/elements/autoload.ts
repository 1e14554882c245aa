/**
 * The elements the main entry defines on first use (Shoelace's autoloader, for our five): importing
 * `toolgate` still defines every tag a page can write, but the heavy classes load only when the tag
 * first appears in the document (parsed, or inserted later), so a page with just `<tg-agent>` never
 * loads them. `<tg-agent>` loads the ones it renders itself (lazy-cards.ts, the audit panel); this
 * watches the page's own markup. A property set on an element before its class arrives is kept: Lit
 * takes it over on upgrade.
 *
 * A module that cannot load (a deploy that lost the chunk, a network error) is reported as a coded
 * error, `TG_UI_LOAD_FAILED` (a `TgError` through `reportError`, so the window's `error` event
 * carries it), and the element stays undefined. The tag's next appearance asks again (browsers may
 * keep a failed module for the rest of the document's life; a reload fetches it anew).
 */
import { ErrorCode, TgError } from '../../workers/shared/errors.js';

const LOADERS: Readonly<Record<string, () => Promise<unknown>>> = {
  'tg-connections': () => import('./connections/tg-connections.js'),
  'tg-approval': () => import('./approval/tg-approval.js'),
  'tg-elicitation': () => import('./elicitation/tg-elicitation.js'),
  'tg-manual-form': () => import('./manual-form/tg-manual-form.js'),
  'tg-audit-log': () => import('./audit-log/tg-audit-log.js'),
};

const loading = new Map<string, Promise<unknown>>();

/** Loads (once at a time) the module of each undefined tag that `root` is or holds. */
function discover(root: Element | Document): void {
  for (const [tag, load] of Object.entries(LOADERS)) {
    if (loading.has(tag) || customElements.get(tag)) continue;
    if (!(root instanceof Element && root.localName === tag) && !root.querySelector(tag)) continue;
    const loaded = load().then(
      () => loading.delete(tag),
      (err: unknown) => {
        loading.delete(tag);
        const reason = err instanceof Error ? err.message : String(err);
        reportError(new TgError(ErrorCode.UI_LOAD_FAILED, `<${tag}> could not be loaded: ${reason}`, { cause: err }));
      },
    );
    loading.set(tag, loaded);
  }
}

discover(document);
new MutationObserver((records) => {
  for (const record of records) for (const node of record.addedNodes) if (node instanceof Element) discover(node);
}).observe(document, { childList: true, subtree: true });
