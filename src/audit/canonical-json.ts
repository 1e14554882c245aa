/**
 * RFC 8785 canonical JSON, as the `canonicalize` package writes it, faster for what audit records
 * hold.
 *
 * Why: every audit record is canonicalized to be hashed, and in a burst of 10,000 appends the
 * package was the largest single cost left once the rows were few (chunks.ts): it scans every
 * string character by character in script for lone surrogates and calls itself per key. Here a
 * record of plain JSON values (null, booleans, finite numbers, strings without surrogates, arrays,
 * plain objects) is written in one pass with the same rules — keys sorted by UTF-16 code units,
 * `undefined` members left out, numbers and strings as `JSON.stringify` writes them (which is
 * RFC 8785's serialization for both). Anything else (a `toJSON`, a surrogate, `undefined` or a
 * symbol in an array, NaN, a cycle, …) goes to the package itself, so the output — and the errors —
 * are always the package's. Tests compare both.
 */
import canonicalize from 'canonicalize';

/** Thrown inside the fast path when a value needs the package's handling. */
const FALL_BACK = Symbol('fall back');
/** Surrogates need the package's lone-surrogate check (pairs are allowed, lone ones throw). */
const SURROGATE = /[\uD800-\uDFFF]/;
/** Deeper than this is treated as a possible cycle: the package reports it. */
const MAX_DEPTH = 200;

function write(value: unknown, depth: number): string {
  switch (typeof value) {
    case 'string':
      if (SURROGATE.test(value)) throw FALL_BACK;
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw FALL_BACK;
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (depth > MAX_DEPTH || typeof (value as { toJSON?: unknown }).toJSON === 'function') throw FALL_BACK;
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          if (item === undefined || typeof item === 'symbol') throw FALL_BACK;
          out += (i === 0 ? '' : ',') + write(item, depth + 1);
        }
        return out + ']';
      }
      const object = value as Record<string, unknown>;
      let out = '{';
      let first = true;
      for (const key of Object.keys(object).sort()) {
        const member = object[key];
        if (member === undefined || typeof member === 'symbol') continue;
        if (SURROGATE.test(key)) throw FALL_BACK;
        out += (first ? '' : ',') + JSON.stringify(key) + ':' + write(member, depth + 1);
        first = false;
      }
      return out + '}';
    }
    default:
      throw FALL_BACK;
  }
}

/** `canonicalize(value)`: the same string (or `undefined`, or the same error), usually faster. */
export function canonicalJson(value: unknown): string | undefined {
  try {
    return write(value, 0);
  } catch (err) {
    if (err !== FALL_BACK) throw err;
    return canonicalize(value);
  }
}
