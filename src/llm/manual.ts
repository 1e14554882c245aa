/**
 * The Manual provider, Toolgate's embedded default: no model at all. The person picks a tool and
 * fills a form generated from its `inputSchema`; the call goes through the same gate and audit as
 * a model's (proposer `{ kind: 'person' }`, see `Agent.runTool`).
 *
 * This file holds the pure form model (no DOM): `formFromSchema()` describes the fields, and
 * `valuesToArguments()` turns what the person typed into arguments, validated against the schema
 * with `@cfworker/json-schema` (no `eval`, so a strict CSP holds). The schema is untrusted:
 * unknown constructs become a JSON text field instead of failing, and `$ref`s resolve locally only,
 * to a bounded depth.
 */
import { Validator, type OutputUnit, type Schema, type SchemaDraft } from '@cfworker/json-schema';
import { TgError, ErrorCode } from '../../workers/shared/errors.js';
import type { JsonObject } from '../../workers/shared/wire.js';


interface FieldBase {
  /** Property name in its parent object (`''` for array items). */
  key: string;
  /** JSON Pointer of the value in the arguments, e.g. `/options/limit`, `/tags/*` for array items. */
  path: string;
  /** `title` of the schema, else the key. */
  label: string;
  description?: string;
  required: boolean;
  /** `null` is allowed too (`type: [x, "null"]` or `anyOf: [x, {type: "null"}]`). */
  nullable: boolean;
  default?: unknown;
}

export type FormField =
  | (FieldBase & { kind: 'string'; format?: string; minLength?: number; maxLength?: number; pattern?: string })
  | (FieldBase & { kind: 'number' | 'integer'; minimum?: number; maximum?: number; exclusiveMinimum?: number; exclusiveMaximum?: number; multipleOf?: number })
  | (FieldBase & { kind: 'boolean' })
  | (FieldBase & { kind: 'enum'; options: { value: unknown; label: string }[] })
  | (FieldBase & { kind: 'object'; fields: FormField[] })
  | (FieldBase & { kind: 'array'; item: FormField; minItems?: number; maxItems?: number })
  /** Anything the form cannot model (oneOf, tuples, deep recursion): edited as JSON text. */
  | (FieldBase & { kind: 'json'; reason: string });

export interface ToolForm {
  /** The `inputSchema` the form was made from (validation uses it). */
  schema: JsonObject;
  fields: FormField[];
}

export type FormValue = string | number | boolean | null | undefined | FormValue[] | { [key: string]: FormValue };
export type FormValues = { [key: string]: FormValue };

const MAX_DEPTH = 8;

type S = Record<string, unknown>;
const isObj = (v: unknown): v is S => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Describes the form for a tool's `inputSchema` (an object schema; anything else gives no fields). */
export function formFromSchema(inputSchema: JsonObject): ToolForm {
  const root = resolve(inputSchema, inputSchema, 0);
  const fields = isObj(root) && isObj(root.properties) ? objectFields(root, inputSchema, '', 0) : [];
  return { schema: inputSchema, fields };
}

function objectFields(schema: S, root: S, path: string, depth: number): FormField[] {
  const properties = isObj(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === 'string') : []);
  return Object.keys(properties).map((key) => field(properties[key], root, key, `${path}/${escapePointer(key)}`, required.has(key), depth + 1));
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Follows local `$ref`s and single-entry `allOf`s. */
function resolve(schema: unknown, root: S, depth: number): unknown {
  let s = schema;
  for (let hops = 0; hops < MAX_DEPTH && isObj(s); hops++) {
    if (typeof s.$ref === 'string' && s.$ref.startsWith('#')) {
      const target = pointer(root, s.$ref.slice(1));
      if (target === undefined) return s;
      const { $ref: _ref, ...rest } = s;
      s = isObj(target) ? { ...target, ...rest } : target;
      continue;
    }
    if (Array.isArray(s.allOf) && s.allOf.length === 1) {
      const { allOf, ...rest } = s;
      const inner = resolve(allOf[0], root, depth + 1);
      s = isObj(inner) ? { ...inner, ...rest } : rest;
      continue;
    }
    break;
  }
  return s;
}

function pointer(root: S, ref: string): unknown {
  let node: unknown = root;
  for (const raw of ref.split('/').slice(1)) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObj(node) || !Object.hasOwn(node, key)) return undefined;
    node = node[key];
  }
  return node;
}

function field(raw: unknown, root: S, key: string, path: string, required: boolean, depth: number): FormField {
  let schema = resolve(raw, root, depth);
  const s0: S = isObj(schema) ? schema : {};
  let nullable = false;
  // anyOf/oneOf [X, {type: null}] → nullable X
  for (const combo of ['anyOf', 'oneOf'] as const) {
    const list = s0[combo];
    if (Array.isArray(list)) {
      const rest = list.filter((x) => !(isObj(x) && x.type === 'null'));
      if (rest.length === 1 && list.length === 2) {
        nullable = true;
        const { [combo]: _drop, ...outer } = s0;
        const inner = resolve(rest[0], root, depth);
        schema = isObj(inner) ? { ...inner, ...outer } : outer;
      }
    }
  }
  const s: S = isObj(schema) ? schema : {};
  let type = s.type;
  if (Array.isArray(type)) {
    if (type.includes('null')) nullable = true;
    const types = type.filter((t) => t !== 'null');
    type = types.length === 1 ? types[0] : types.length === 2 && types.includes('integer') && types.includes('number') ? 'number' : undefined;
  }
  const base: FieldBase = {
    key,
    path,
    label: typeof s.title === 'string' && s.title !== '' ? s.title : key,
    required,
    nullable,
    ...(typeof s.description === 'string' && { description: s.description }),
    ...('default' in s && { default: s.default }),
  };
  const json = (reason: string): FormField => ({ ...base, kind: 'json', reason });
  if (depth > MAX_DEPTH) return json('nested too deeply');
  if ('const' in s) return { ...base, kind: 'enum', options: [{ value: s.const, label: labelOf(s.const) }] };
  if (Array.isArray(s.enum)) {
    const values = s.enum.filter((v) => !(v === null && nullable && s.enum !== undefined && (s.enum as unknown[]).length > 1));
    return { ...base, kind: 'enum', options: values.map((value) => ({ value, label: labelOf(value) })) };
  }
  if (type === undefined && isObj(s.properties)) type = 'object';
  switch (type) {
    case 'string':
      return {
        ...base,
        kind: 'string',
        ...(typeof s.format === 'string' && { format: s.format }),
        ...(num(s.minLength) !== undefined && { minLength: num(s.minLength) }),
        ...(num(s.maxLength) !== undefined && { maxLength: num(s.maxLength) }),
        ...(typeof s.pattern === 'string' && { pattern: s.pattern }),
      };
    case 'number':
    case 'integer': {
      const f: FormField = { ...base, kind: type };
      for (const k of ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'] as const) {
        const v = num(s[k]);
        if (v !== undefined) f[k] = v;
      }
      return f;
    }
    case 'boolean':
      return { ...base, kind: 'boolean' };
    case 'object':
      if (!isObj(s.properties)) return json('an object without declared properties');
      return { ...base, kind: 'object', fields: objectFields(s, root, path, depth) };
    case 'array': {
      if (!isObj(s.items) && s.items !== undefined) return json('a tuple or unconstrained array');
      if (s.items === undefined || Array.isArray(s.prefixItems)) return json('an array without an item schema');
      return {
        ...base,
        kind: 'array',
        item: field(s.items, root, '', `${path}/*`, true, depth + 1),
        ...(num(s.minItems) !== undefined && { minItems: num(s.minItems) }),
        ...(num(s.maxItems) !== undefined && { maxItems: num(s.maxItems) }),
      };
    }
    default:
      return json(type === undefined ? 'no single type' : `type ${String(type)}`);
  }
}

function labelOf(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
}

/** Starting values: each field's `default`, else empty (`''`, `false`, `[]`, nested objects). */
export function initialValues(form: ToolForm): FormValues {
  const out: FormValues = {};
  for (const f of form.fields) out[f.key] = initialValue(f);
  return out;
}

function initialValue(f: FormField): FormValue {
  const d = f.default;
  switch (f.kind) {
    case 'string':
      return typeof d === 'string' ? d : '';
    case 'number':
    case 'integer':
      return typeof d === 'number' ? d : '';
    case 'boolean':
      return typeof d === 'boolean' ? d : false;
    case 'enum':
      return d !== undefined ? (d as FormValue) : f.required && f.options.length === 1 ? (f.options[0]?.value as FormValue) : undefined;
    case 'object': {
      const o: FormValues = {};
      for (const child of f.fields) o[child.key] = initialValue(child);
      return o;
    }
    case 'array':
      return Array.isArray(d) ? (d as FormValue[]) : [];
    case 'json':
      return d === undefined ? '' : JSON.stringify(d, null, 2);
  }
}

export interface FieldError {
  /** JSON Pointer of the offending value (`''` for the whole arguments object). */
  path: string;
  message: string;
}

const ABSENT = Symbol('absent');
type Converted = FormValue | typeof ABSENT | unknown;

/**
 * Turns form values into tool arguments and validates them against the schema.
 * Empty optional inputs are left out; number inputs given as text are parsed; JSON fields parsed.
 * @throws TgError `TG_FORM_INVALID` with `data.errors: FieldError[]`.
 */
export function valuesToArguments(form: ToolForm, values: FormValues): JsonObject {
  const errors: FieldError[] = [];
  const args: JsonObject = {};
  for (const f of form.fields) {
    const v = convert(f, values?.[f.key], errors);
    if (v !== ABSENT) args[f.key] = v;
  }
  if (errors.length === 0) errors.push(...validate(form.schema, args));
  if (errors.length > 0) {
    const summary = errors.map((e) => `${e.path || '(arguments)'}: ${e.message}`).join('; ');
    throw new TgError(ErrorCode.FORM_INVALID, `The form has invalid values: ${summary}`, { data: { errors } });
  }
  return args;
}

function convert(f: FormField, value: FormValue, errors: FieldError[]): Converted {
  const empty = value === undefined || (typeof value === 'string' && value.trim() === '' && f.kind !== 'string');
  if (value === null) return f.nullable ? null : ABSENT;
  if (empty) return ABSENT;
  switch (f.kind) {
    case 'string':
      if (value === '' && !f.required) return ABSENT;
      return typeof value === 'string' ? value : String(value);
    case 'number':
    case 'integer': {
      const n = typeof value === 'number' ? value : Number(String(value).trim());
      if (typeof value === 'boolean' || !Number.isFinite(n)) {
        errors.push({ path: f.path, message: `${f.label} must be a number` });
        return ABSENT;
      }
      if (f.kind === 'integer' && !Number.isInteger(n)) {
        errors.push({ path: f.path, message: `${f.label} must be a whole number` });
        return ABSENT;
      }
      return n;
    }
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      errors.push({ path: f.path, message: `${f.label} must be true or false` });
      return ABSENT;
    case 'enum': {
      const hit = f.options.find((o) => sameJson(o.value, value)) ?? f.options.find((o) => typeof value === 'string' && o.label === value);
      if (!hit) {
        errors.push({ path: f.path, message: `${f.label} must be one of ${f.options.map((o) => o.label).join(', ')}` });
        return ABSENT;
      }
      return hit.value;
    }
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) {
        errors.push({ path: f.path, message: `${f.label} must be an object` });
        return ABSENT;
      }
      const out: JsonObject = {};
      for (const child of f.fields) {
        const v = convert(child, value[child.key], errors);
        if (v !== ABSENT) out[child.key] = v;
      }
      return Object.keys(out).length === 0 && !f.required ? ABSENT : out;
    }
    case 'array': {
      if (!Array.isArray(value)) {
        errors.push({ path: f.path, message: `${f.label} must be a list` });
        return ABSENT;
      }
      const out: unknown[] = [];
      value.forEach((item, i) => {
        const v = convert({ ...f.item, path: `${f.path}/${i}`, required: true }, item, errors);
        if (v !== ABSENT) out.push(v);
      });
      return out;
    }
    case 'json': {
      if (typeof value !== 'string') return value;
      try {
        return JSON.parse(value) as unknown;
      } catch {
        errors.push({ path: f.path, message: `${f.label} is not valid JSON` });
        return ABSENT;
      }
    }
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

function draftOf(schema: JsonObject): SchemaDraft {
  const id = typeof schema.$schema === 'string' ? schema.$schema : '';
  if (id.includes('draft-04')) return '4';
  if (id.includes('draft-07') || id.includes('draft-06')) return '7';
  if (id.includes('2019-09')) return '2019-09';
  return '2020-12';
}

/** Container keywords whose failure only repeats a deeper, more useful error. */
const CONTAINER_KEYWORDS = new Set(['properties', 'items', 'prefixItems', 'allOf', 'anyOf', 'oneOf', '$ref', 'additionalItems', 'dependentSchemas']);

/** Validates arguments against a schema; `[]` when valid. */
export function validate(schema: JsonObject, args: unknown): FieldError[] {
  let result: { valid: boolean; errors: OutputUnit[] };
  try {
    // The validator annotates the schema objects it is given: hand it a copy.
    const copy = structuredClone(schema) as Schema;
    result = new Validator(copy, draftOf(schema), false).validate(args);
  } catch (err) {
    return [{ path: '', message: `the tool's inputSchema could not be used: ${err instanceof Error ? err.message : String(err)}` }];
  }
  if (result.valid) return [];
  const leaves = result.errors.filter((e) => !CONTAINER_KEYWORDS.has(e.keyword));
  const chosen = leaves.length > 0 ? leaves : result.errors;
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const e of chosen) {
    let path = e.instanceLocation.replace(/^#/, '');
    if (e.keyword === 'required') {
      const missing = /"([^"]+)"/.exec(e.error)?.[1];
      if (missing !== undefined) path = `${path}/${escapePointer(missing)}`;
    }
    // One message per value: the first is the most specific (e.g. the first anyOf branch's).
    if (seen.has(path)) continue;
    seen.add(path);
    out.push({ path, message: e.error });
  }
  return out;
}
