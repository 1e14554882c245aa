/**
 * HTTP request headers of the 2026-07-28 Streamable HTTP binding (basic/transports/streamable-http.mdx
 * §Request Metadata): `MCP-Protocol-Version`, `Mcp-Method`, `Mcp-Name`, and `Mcp-Param-{X}` mirrored
 * from tool arguments marked with `x-mcp-header`. Pure functions: intermediaries route on these
 * headers, so a wrong value is a security bug, and the rules are tested without I/O.
 */
import { bytesToBase64 } from '../codecs/base64.js';
import { MetaKey, Method, type JsonObject, type JsonRpcRequest, type Tool } from '../shared/wire.js';

const BASE64_PREFIX = '=?base64?';
const BASE64_SUFFIX = '?=';

/** RFC 9110 `tchar`: the only characters a header field name may contain. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Integers beyond this lose precision in JavaScript, so the spec forbids them in headers. */
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/**
 * A header value as sent: plain when it is visible ASCII or inner spaces, otherwise (non-ASCII,
 * control characters, tabs, leading/trailing space, or a value that looks like the sentinel
 * itself) `=?base64?…?=` of its UTF-8 bytes.
 */
export function encodeHeaderValue(value: string): string {
  const plain =
    /^[\x20-\x7e]*$/.test(value) &&
    value === value.trim() &&
    !(value.startsWith(BASE64_PREFIX) && value.endsWith(BASE64_SUFFIX));
  if (plain) return value;
  return `${BASE64_PREFIX}${bytesToBase64(new TextEncoder().encode(value))}${BASE64_SUFFIX}`;
}

/**
 * The header text for an argument value, or undefined when the header is omitted: null and
 * absent values are omitted; strings, safe integers and booleans are converted; anything else
 * (an object, a float) has no header form.
 */
export function headerText(value: unknown): string | undefined {
  if (typeof value === 'string') return encodeHeaderValue(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) <= MAX_SAFE) return String(value);
  return undefined;
}

/** One mirrored parameter: the header name part and the chain of `properties` keys to its value. */
export interface ParamHeader {
  name: string;
  path: string[];
}

export type ToolHeaderSpec = { ok: true; params: ParamHeader[] } | { ok: false; reason: string };

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Keywords under which a subschema is not statically reachable: an `x-mcp-header` there is invalid. */
const UNREACHABLE_KEYWORDS = [
  'items', 'prefixItems', 'additionalItems', 'contains', 'additionalProperties', 'patternProperties',
  'unevaluatedProperties', 'unevaluatedItems', 'propertyNames', 'dependentSchemas',
  'oneOf', 'anyOf', 'allOf', 'not', 'if', 'then', 'else', '$defs', 'definitions',
];

/** True when any schema below `node` (at any depth) carries `x-mcp-header`. */
function mentionsHeader(node: unknown, depth = 0): boolean {
  if (depth > 64) return true; // absurd nesting: refuse rather than recurse forever
  if (Array.isArray(node)) return node.some((n) => mentionsHeader(n, depth + 1));
  if (!isObject(node)) return false;
  if ('x-mcp-header' in node) return true;
  return Object.values(node).some((v) => mentionsHeader(v, depth + 1));
}

/** The primitive type a header property declares, or a reason it is not allowed. */
function primitiveProblem(schema: JsonObject): string | undefined {
  const type = schema.type;
  if (type === 'string' || type === 'integer' || type === 'boolean') return undefined;
  return `type ${JSON.stringify(type)} is not string, integer or boolean`;
}

/**
 * Reads and checks every `x-mcp-header` of a tool's `inputSchema` (server/tools.mdx §x-mcp-header):
 * a non-empty RFC 9110 token, case-insensitively unique, on a string/integer/boolean property
 * reachable from the root through `properties` only. Any violation makes the whole tool invalid.
 */
export function toolHeaderSpec(tool: Pick<Tool, 'name' | 'inputSchema'>): ToolHeaderSpec {
  const params: ParamHeader[] = [];
  const seen = new Set<string>();
  const walk = (schema: JsonObject, path: string[]): string | undefined => {
    if (path.length > 32) return 'properties nest deeper than 32 levels';
    for (const keyword of UNREACHABLE_KEYWORDS) {
      if (keyword in schema && mentionsHeader(schema[keyword])) {
        return `x-mcp-header under "${keyword}" is not statically reachable`;
      }
    }
    if ('$ref' in schema && path.length > 0 && 'x-mcp-header' in schema) return 'x-mcp-header beside $ref';
    if ('x-mcp-header' in schema) {
      if (path.length === 0) return 'x-mcp-header on the schema root';
      const name = schema['x-mcp-header'];
      if (typeof name !== 'string' || name.length === 0) return `x-mcp-header at ${path.join('.')} is empty or not a string`;
      if (!TOKEN.test(name)) return `x-mcp-header ${JSON.stringify(name)} is not an HTTP token`;
      const problem = primitiveProblem(schema);
      if (problem) return `x-mcp-header ${name}: ${problem}`;
      const folded = name.toLowerCase();
      if (seen.has(folded)) return `x-mcp-header ${name} is not unique (case-insensitive)`;
      seen.add(folded);
      params.push({ name, path });
    }
    const properties = schema.properties;
    if (properties === undefined) return undefined;
    if (!isObject(properties)) return mentionsHeader(properties) ? 'properties is not an object' : undefined;
    for (const [key, child] of Object.entries(properties)) {
      if (!isObject(child)) {
        if (mentionsHeader(child)) return `property ${key} is not a schema object`;
        continue;
      }
      const problem = walk(child, [...path, key]);
      if (problem) return problem;
    }
    return undefined;
  };
  const problem = isObject(tool.inputSchema) ? walk(tool.inputSchema, []) : 'inputSchema is not an object';
  return problem ? { ok: false, reason: problem } : { ok: true, params };
}

/** `Mcp-Param-*` headers for a call's arguments; absent and null values are omitted. */
export function paramHeaders(params: readonly ParamHeader[], args: JsonObject | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const { name, path } of params) {
    let value: unknown = args;
    for (const key of path) value = isObject(value) && Object.hasOwn(value, key) ? value[key] : undefined;
    const text = headerText(value);
    if (text !== undefined) headers[`mcp-param-${name.toLowerCase()}`] = text;
  }
  return headers;
}

const NAMED_METHODS: Record<string, 'name' | 'uri'> = {
  [Method.TOOLS_CALL]: 'name',
  [Method.PROMPTS_GET]: 'name',
  [Method.RESOURCES_READ]: 'uri',
};

/**
 * The standard headers of one modern request: `MCP-Protocol-Version` (equal to the `_meta`
 * version), `Mcp-Method`, and `Mcp-Name` for `tools/call`, `prompts/get` and `resources/read`.
 */
export function standardHeaders(request: Pick<JsonRpcRequest, 'method' | 'params'>): Record<string, string> {
  const headers: Record<string, string> = { 'mcp-method': encodeHeaderValue(request.method) };
  const meta = request.params?._meta;
  const version = isObject(meta) ? meta[MetaKey.PROTOCOL_VERSION] : undefined;
  if (typeof version === 'string') headers['mcp-protocol-version'] = version;
  const field = NAMED_METHODS[request.method];
  const name = field ? request.params?.[field] : undefined;
  if (typeof name === 'string') headers['mcp-name'] = encodeHeaderValue(name);
  return headers;
}
