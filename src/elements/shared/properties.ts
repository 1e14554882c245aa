import type { PropertyDeclaration } from 'lit';

/**
 * Entries for a Lit element's `static properties`, for the two kinds that most elements have several of.
 * Properties with an attribute stay written out one by one: each has its own name, type and reflection.
 *
 * `attribute: false` on both keeps them out of the Custom Elements Manifest's attributes (the analyzer
 * lists a property without it as an attribute, even internal state).
 */

/** Data a host or a parent element sets from script (objects, arrays, callbacks): no attribute to convert. */
export function dataProperties<const K extends string>(...names: readonly K[]): Record<K, PropertyDeclaration> {
  return declarations(names, () => ({ attribute: false }));
}

/** Internal reactive state: re-renders when it changes, never set from outside. */
export function stateProperties<const K extends string>(...names: readonly K[]): Record<K, PropertyDeclaration> {
  return declarations(names, () => ({ state: true, attribute: false }));
}

// A fresh declaration per property, because Lit's `createProperty` writes into the one it is given.
function declarations<K extends string>(names: readonly K[], declaration: () => PropertyDeclaration): Record<K, PropertyDeclaration> {
  return Object.fromEntries(names.map((name) => [name, declaration()])) as Record<K, PropertyDeclaration>;
}
