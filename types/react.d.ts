/**
 * Toolgate's elements in React 19 JSX (`React.JSX.IntrinsicElements`, which `react/jsx-runtime`
 * extends). Opt-in because it needs React's types: add `import type {} from 'toolgate/types/react';`
 * once. React 19 sets a custom element's properties (`policy`, `servers`, `provider`) as properties,
 * and turns `ontg-tool-request={handler}` into `addEventListener('tg-tool-request', handler)`:
 * handlers get the typed event (`TgToolRequestEvent`). `ref` is typed with the element class.
 */
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { EventHandlerProps, ToolgateElements } from '../dist/types/src/framework-types.js';

type ReactProps<E extends HTMLElement, P, Events> = Omit<DetailedHTMLProps<HTMLAttributes<E>, E>, keyof P> & P & EventHandlerProps<Events>;

type ToolgateReactElements = {
  [T in keyof ToolgateElements]: ReactProps<ToolgateElements[T]['element'], ToolgateElements[T]['props'], ToolgateElements[T]['events']>;
};

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements extends ToolgateReactElements {}
  }
}
