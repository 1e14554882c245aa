/**
 * Toolgate's elements in React 19 JSX (`React.JSX.IntrinsicElements`). Opt-in because it needs
 * React's types: add `import type {} from 'toolgate/types/react';` once, or list this file in
 * your tsconfig `include`. React 19 sets a custom element's object properties (`policy`,
 * `servers`, `provider`) as properties.
 */
import type { ToolgateElementProps } from '../dist/types/src/index.js';

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements extends ToolgateElementProps {}
  }
}
