/**
 * A small form generator for form-mode elicitation. The spec limits `requestedSchema` to a flat
 * object of primitive properties (string with format/min/maxLength, number/integer with
 * min/max, boolean, enum / `oneOf` of `const`+`title`), so this stays tiny and imports nothing
 * heavy (`<tg-manual-form>` handles full JSON Schema and is not reused for that reason).
 * Every string here comes from the server: callers render it as Lit text only.
 */
import type { JsonObject } from '../../../workers/shared/wire.js';

export type FieldKind = 'string' | 'number' | 'integer' | 'boolean' | 'choice';

export interface Field {
  name: string;
  kind: FieldKind;
  label: string;
  description: string | undefined;
  required: boolean;
  format: string | undefined;
  minLength: number | undefined;
  maxLength: number | undefined;
  minimum: number | undefined;
  maximum: number | undefined;
  /** For `choice`: the values and their labels. */
  options: { value: string; label: string }[];
  default: string | number | boolean | undefined;
}

/** Bounds against a hostile schema: the worker already checked it is a usable schema. */
const MAX_FIELDS = 50;
const MAX_OPTIONS = 200;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

function choices(prop: Record<string, unknown>): { value: string; label: string }[] | undefined {
  if (Array.isArray(prop.enum)) {
    const names = Array.isArray(prop.enumNames) ? prop.enumNames : [];
    return prop.enum.slice(0, MAX_OPTIONS).filter((v): v is string => typeof v === 'string').map((value, i) => ({ value, label: str(names[i]) ?? value }));
  }
  const list = Array.isArray(prop.oneOf) ? prop.oneOf : Array.isArray(prop.anyOf) ? prop.anyOf : undefined;
  if (!list) return undefined;
  return list
    .slice(0, MAX_OPTIONS)
    .filter(isObject)
    .filter((o) => typeof o.const === 'string')
    .map((o) => ({ value: o.const as string, label: str(o.title) ?? (o.const as string) }));
}

/** The fields of a `requestedSchema`, in property order. Unknown property types become strings. */
export function fieldsOf(schema: JsonObject): Field[] {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === 'string') : []);
  return Object.entries(properties)
    .slice(0, MAX_FIELDS)
    .map(([name, raw]) => {
      const prop = isObject(raw) ? raw : {};
      const options = choices(prop);
      const type = str(prop.type);
      const kind: FieldKind = options ? 'choice' : type === 'boolean' ? 'boolean' : type === 'number' || type === 'integer' ? type : 'string';
      const def = prop.default;
      return {
        name,
        kind,
        label: str(prop.title) ?? name,
        description: str(prop.description),
        required: required.has(name),
        format: str(prop.format),
        minLength: num(prop.minLength),
        maxLength: num(prop.maxLength),
        minimum: num(prop.minimum),
        maximum: num(prop.maximum),
        options: options ?? [],
        default: typeof def === 'string' || typeof def === 'number' || typeof def === 'boolean' ? def : undefined,
      };
    });
}

function isUrl(text: string): boolean {
  try {
    new URL(text);
    return true;
  } catch {
    return false;
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Checks one raw input value; returns the typed value or a message for the person. */
export function checkField(field: Field, raw: string | boolean): { value?: string | number | boolean; error?: string } {
  if (field.kind === 'boolean') return { value: raw === true };
  const text = typeof raw === 'string' ? raw : '';
  if (text === '') return field.required ? { error: `${field.label} is required.` } : {};
  if (field.kind === 'choice') {
    return field.options.some((o) => o.value === text) ? { value: text } : { error: `Choose one of the options for ${field.label}.` };
  }
  if (field.kind === 'number' || field.kind === 'integer') {
    const n = Number(text);
    if (!Number.isFinite(n)) return { error: `${field.label} must be a number.` };
    if (field.kind === 'integer' && !Number.isInteger(n)) return { error: `${field.label} must be a whole number.` };
    if (field.minimum !== undefined && n < field.minimum) return { error: `${field.label} must be at least ${field.minimum}.` };
    if (field.maximum !== undefined && n > field.maximum) return { error: `${field.label} must be at most ${field.maximum}.` };
    return { value: n };
  }
  const length = [...text].length;
  if (field.minLength !== undefined && length < field.minLength) return { error: `${field.label} needs at least ${field.minLength} characters.` };
  if (field.maxLength !== undefined && length > field.maxLength) return { error: `${field.label} allows at most ${field.maxLength} characters.` };
  if (field.format === 'email' && !EMAIL.test(text)) return { error: `${field.label} must be an email address.` };
  if (field.format === 'uri' && !isUrl(text)) return { error: `${field.label} must be an absolute URL.` };
  if (field.format === 'date' && !DATE.test(text)) return { error: `${field.label} must be a date (YYYY-MM-DD).` };
  if (field.format === 'date-time' && Number.isNaN(Date.parse(text))) return { error: `${field.label} must be a date and time.` };
  return { value: text };
}
