import type { ReactiveElement } from 'lit';
import type { AttributeSource } from '../server/server-config.js';

/**
 * A configuration element's attributes as they will be once Lit has reflected its properties.
 * Frameworks set properties on custom elements (React 19, Vue, Svelte 5), and `<tg-agent>` may read a
 * child in the same task, before the child's update writes the attribute: a property that is set wins
 * over its attribute, so the agent never sees a `<tg-server>` without the `url` it was given.
 */
export function pendingAttributes(element: ReactiveElement): AttributeSource {
  const properties = (element.constructor as typeof ReactiveElement).elementProperties;
  const valueOf = (attribute: string): unknown => {
    for (const [name, options] of properties) {
      const reflected = typeof options.attribute === 'string' ? options.attribute : String(name).toLowerCase();
      if (reflected === attribute) return (element as unknown as Record<PropertyKey, unknown>)[name];
    }
    return undefined;
  };
  return {
    getAttribute(name) {
      const value = valueOf(name);
      if (value === undefined || value === null) return element.getAttribute(name);
      return value === false ? null : value === true ? '' : String(value);
    },
    hasAttribute(name) {
      const value = valueOf(name);
      return value === undefined || value === null ? element.hasAttribute(name) : value !== false;
    },
  };
}
