/**
 * Loads the Markdown renderer (marked + DOMPurify) on first use, in its own chunk: most pages
 * embedding the agent show a few messages, and the main chunk has a size budget (issue #9).
 */
import type * as Render from './render.js';

export type MarkdownRenderer = typeof Render;

let loading: Promise<MarkdownRenderer> | undefined;
let loaded: MarkdownRenderer | undefined;

/** Starts loading (once) and resolves with the renderer. A failed load may be retried. */
export function loadMarkdown(): Promise<MarkdownRenderer> {
  loading ??= import('./render.js').then(
    (module) => (loaded = module),
    (err: unknown) => {
      loading = undefined;
      throw err;
    },
  );
  return loading;
}

/** The renderer if it has loaded, else `undefined` (render plain text meanwhile). */
export function markdownRenderer(): MarkdownRenderer | undefined {
  return loaded;
}
