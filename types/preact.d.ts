/**
 * Toolgate's elements in Preact JSX (`preact`'s `JSX.IntrinsicElements`). Opt-in because it needs
 * Preact's types: add `import type {} from 'toolgate/types/preact';` once. Preact sets a custom
 * element's properties (`policy`, `servers`, `provider`) as properties and turns
 * `ontg-tool-request={handler}` into `addEventListener('tg-tool-request', handler)`.
 */
import type { JSX } from 'preact';
import type { EventHandlerProps, ToolgateElements } from '../dist/types/src/framework-types.js';

type PreactProps<E extends HTMLElement, P, Events> = Omit<JSX.HTMLAttributes<E>, keyof P> & P & EventHandlerProps<Events>;

type ToolgatePreactElements = {
  [T in keyof ToolgateElements]: PreactProps<ToolgateElements[T]['element'], ToolgateElements[T]['props'], ToolgateElements[T]['events']>;
};

declare module 'preact' {
  namespace JSX {
    interface IntrinsicElements extends ToolgatePreactElements {}
  }
}
