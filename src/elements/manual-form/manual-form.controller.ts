/**
 * State of the manual form (no DOM): which tool is picked, its form model (`formFromSchema`), what
 * the person typed, and the coded validation errors by JSON Pointer. `submit()` turns the values
 * into arguments with `valuesToArguments` (validated against the tool's `inputSchema`).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { GatedTool } from '../../gate/tool-gate.js';
import { formFromSchema, initialValues, valuesToArguments, type FieldError, type FormField, type FormValue, type FormValues, type ToolForm } from '../../llm/manual.js';
import type { JsonObject } from '../../../workers/shared/wire.js';
import { toCodedError, type CodedError } from '../../runtime/coded-error.js';

/** A path into the values: object keys and array indexes. */
export type Segments = readonly (string | number)[];

/** JSON Pointer of a value path, as `FieldError.path` spells it. */
export function pointerOf(segments: Segments): string {
  return segments.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** The starting value of one field (its default, else empty). */
export function initialFieldValue(field: FormField): FormValue {
  return initialValues({ schema: {}, fields: [{ ...field, key: 'v' }] })['v'];
}

// Keys come from an untrusted schema: "__proto__" must stay a plain own property.
function own(container: Record<string | number, FormValue>, key: string | number): FormValue {
  return Object.hasOwn(container, key) ? container[key] : undefined;
}
function put(container: Record<string | number, FormValue>, key: string | number, value: FormValue): void {
  Object.defineProperty(container, key, { value, writable: true, enumerable: true, configurable: true });
}

export class ManualFormController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  #tool: GatedTool | undefined;
  #form: ToolForm | undefined;
  #values: FormValues = {};
  #errors: FieldError[] = [];
  #error: CodedError | undefined;

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  hostConnected(): void {}

  get tool(): GatedTool | undefined {
    return this.#tool;
  }

  get form(): ToolForm | undefined {
    return this.#form;
  }

  get values(): FormValues {
    return this.#values;
  }

  /** Errors of the last submit, by JSON Pointer (`''` = the whole arguments object). */
  get errors(): readonly FieldError[] {
    return this.#errors;
  }

  /** The coded error of the last submit (`TG_FORM_INVALID`), if it failed. */
  get error(): CodedError | undefined {
    return this.#error;
  }

  errorAt(segments: Segments): FieldError | undefined {
    const pointer = pointerOf(segments);
    return this.#errors.find((e) => e.path === pointer);
  }

  /** Picks a tool (or none) and starts its form from the schema's defaults. */
  select(tool: GatedTool | undefined): void {
    this.#tool = tool;
    this.#form = tool ? formFromSchema(tool.tool.inputSchema ?? { type: 'object' }) : undefined;
    this.#values = this.#form ? initialValues(this.#form) : {};
    this.#errors = [];
    this.#error = undefined;
    this.#host.requestUpdate();
  }

  /** Follows the tool list: a picked tool that disappeared is dropped; a changed definition rebuilds the form. */
  syncTools(tools: readonly GatedTool[]): void {
    if (!this.#tool) return;
    const now = tools.find((t) => t.id === this.#tool!.id);
    if (!now) this.select(undefined);
    else if (now.definitionHash !== this.#tool.definitionHash) this.select(now);
  }

  get(segments: Segments): FormValue {
    let node: FormValue = this.#values;
    for (const s of segments) {
      if (node === null || typeof node !== 'object') return undefined;
      node = own(node as Record<string | number, FormValue>, s);
    }
    return node;
  }

  set(segments: Segments, value: FormValue): void {
    if (segments.length === 0) return;
    let node: FormValue = this.#values;
    for (let i = 0; i < segments.length - 1; i++) {
      const container = node as Record<string | number, FormValue>;
      let next = own(container, segments[i]!);
      if (next === null || typeof next !== 'object') {
        next = typeof segments[i + 1] === 'number' ? [] : {};
        put(container, segments[i]!, next);
      }
      node = next;
    }
    put(node as Record<string | number, FormValue>, segments[segments.length - 1]!, value);
    this.#host.requestUpdate();
  }

  addItem(segments: Segments, item: FormField): void {
    const list = this.get(segments);
    this.set(segments, [...(Array.isArray(list) ? list : []), initialFieldValue(item)]);
  }

  removeItem(segments: Segments, index: number): void {
    const list = this.get(segments);
    if (Array.isArray(list)) this.set(segments, list.filter((_, i) => i !== index));
  }

  /**
   * Validates the values. Returns the call to make, or `undefined` with `errors`/`error` set
   * (`TG_FORM_INVALID`, one message per offending value).
   */
  submit(): { toolId: string; args: JsonObject } | undefined {
    if (!this.#tool || !this.#form) return undefined;
    try {
      const args = valuesToArguments(this.#form, this.#values);
      this.#errors = [];
      this.#error = undefined;
      this.#host.requestUpdate();
      return { toolId: this.#tool.id, args };
    } catch (err) {
      this.#error = toCodedError(err);
      const data = (err as { data?: { errors?: FieldError[] } }).data;
      this.#errors = Array.isArray(data?.errors) ? data.errors : [];
      this.#host.requestUpdate();
      return undefined;
    }
  }
}
