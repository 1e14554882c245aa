/**
 * Toolgate's elements in Vue 3 templates (`GlobalComponents`, read by Vue's language tools and
 * `vue-tsc`), in the form Vue's guide gives for custom elements: `$props` for attributes and
 * properties, `$emit` for events, so `@tg-tool-request="(e) => e.detail.request"` is typed.
 * Opt-in because it needs Vue's types: add `import type {} from 'toolgate/types/vue';` once. Also
 * tell Vue's compiler that `tg-*` tags are custom elements (Vue's own requirement):
 * `vue({ template: { compilerOptions: { isCustomElement: (tag) => tag.startsWith('tg-') } } })`.
 */
import type { EmitFn, HTMLAttributes, PublicProps } from 'vue';
import type { ToolgateElements } from '../dist/types/src/framework-types.js';

type VueElement<E extends HTMLElement, P, Events> = new () => E & {
  /** @deprecated Template type checking only: not a property of the element. */
  $props: HTMLAttributes & P & PublicProps;
  /** @deprecated Template type checking only: not a property of the element. */
  $emit: EmitFn<{ [K in keyof Events]: (event: Events[K]) => void }>;
};

type ToolgateVueElements = {
  [T in keyof ToolgateElements]: VueElement<ToolgateElements[T]['element'], ToolgateElements[T]['props'], ToolgateElements[T]['events']>;
};

declare module 'vue' {
  interface GlobalComponents extends ToolgateVueElements {}
}
