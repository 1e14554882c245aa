/**
 * Page tools declared in HTML, the way WebMCP's declarative explainer does: a form marked
 * `<form toolname="…" tooldescription="…" [toolautosubmit]>` becomes a page tool whose input schema
 * is read from its named controls (`toolparamdescription` or the control's label describes each),
 * so a simple case needs no script at all.
 *
 * A call fills the form's controls (firing `input` and `change`, so frameworks see the values),
 * then, with `toolautosubmit`, submits it: the page's `submit` handler can answer the agent with
 * `event.respondWith(promise)` (the explainer's `SubmitEvent.respondWith`, provided here), and
 * sees `event.agentInvoked === true`. A submission that nobody handled would navigate away from
 * the page (and the conversation), so it is stopped and the person submits it. Without
 * `toolautosubmit`, the form is filled, its submit button focused, and the person submits it.
 *
 * Password and file fields are never part of a tool; disabled controls neither. DOM only here.
 */
import type { JsonObject } from '../../workers/shared/wire.js';
import type { PageToolDefinition, PageTools } from './page-tools.js';

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

const SKIPPED = new Set(['password', 'file', 'hidden', 'submit', 'reset', 'button', 'image']);
const FORMATS: Record<string, string> = { email: 'email', url: 'uri', date: 'date', time: 'time', 'datetime-local': 'date-time' };

function controlsOf(form: HTMLFormElement): Map<string, Control[]> {
  const byName = new Map<string, Control[]>();
  for (const el of Array.from(form.elements)) {
    if (!(el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement)) continue;
    if (!el.name || el.disabled || (el instanceof HTMLInputElement && SKIPPED.has(el.type))) continue;
    byName.set(el.name, [...(byName.get(el.name) ?? []), el]);
  }
  return byName;
}

function describe(control: Control): string | undefined {
  const own = control.getAttribute('toolparamdescription')?.trim();
  if (own) return own;
  const label = control.labels?.[0]?.textContent?.replace(/\s+/g, ' ').trim();
  return label || undefined;
}

const numberAttr = (el: HTMLInputElement, name: string) => {
  const value = el.getAttribute(name);
  return value === null || value === '' || !Number.isFinite(Number(value)) ? undefined : Number(value);
};

/** The JSON Schema of a form's named controls. */
export function schemaFromForm(form: HTMLFormElement): JsonObject {
  const properties: Record<string, JsonObject> = {};
  const required: string[] = [];
  for (const [name, controls] of controlsOf(form)) {
    const first = controls[0]!;
    const description = describe(first);
    let schema: JsonObject;
    if (first instanceof HTMLSelectElement) {
      const values = Array.from(first.options).filter((o) => !o.disabled).map((o) => o.value);
      schema = first.multiple ? { type: 'array', items: { type: 'string', enum: values }, uniqueItems: true } : { type: 'string', enum: values };
    } else if (first instanceof HTMLTextAreaElement) {
      schema = { type: 'string' };
    } else if (first.type === 'radio') {
      schema = { type: 'string', enum: controls.map((c) => c.value) };
    } else if (first.type === 'checkbox') {
      schema = controls.length > 1 ? { type: 'array', items: { type: 'string', enum: controls.map((c) => c.value) }, uniqueItems: true } : { type: 'boolean' };
    } else if (first.type === 'number' || first.type === 'range') {
      const step = first.getAttribute('step');
      schema = { type: step === null || Number.isInteger(Number(step)) ? 'integer' : 'number' };
      const min = numberAttr(first, 'min');
      const max = numberAttr(first, 'max');
      if (min !== undefined) schema.minimum = min;
      if (max !== undefined) schema.maximum = max;
    } else {
      schema = { type: 'string' };
      const format = FORMATS[first.type];
      if (format) schema.format = format;
      if (first.minLength > 0) schema.minLength = first.minLength;
      if (first.maxLength >= 0) schema.maxLength = first.maxLength;
      if (first.pattern) schema.pattern = `^(?:${first.pattern})$`;
    }
    if (description) schema.description = description;
    properties[name] = schema;
    if (controls.some((c) => c.required)) required.push(name);
  }
  return { type: 'object', properties, ...(required.length > 0 && { required }), additionalProperties: false };
}

function fill(form: HTMLFormElement, args: JsonObject): void {
  for (const [name, controls] of controlsOf(form)) {
    if (!(name in args)) continue;
    const value = args[name];
    for (const control of controls) {
      if (control instanceof HTMLInputElement && (control.type === 'checkbox' || control.type === 'radio')) {
        control.checked = Array.isArray(value) ? value.includes(control.value) : control.type === 'checkbox' ? value === true : value === control.value;
      } else if (control instanceof HTMLSelectElement && control.multiple) {
        for (const option of Array.from(control.options)) option.selected = Array.isArray(value) && value.includes(option.value);
      } else {
        control.value = value === null || value === undefined ? '' : String(value);
      }
      control.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
      control.dispatchEvent(new Event('change', { bubbles: true }));
    }
  }
}

type AgentSubmitEvent = SubmitEvent & { agentInvoked?: boolean; respondWith?: (response: unknown) => void };

/** Submits a filled form for the agent: the page's answer, or the reason it was not submitted. */
async function submit(form: HTMLFormElement): Promise<unknown> {
  let response: { value: unknown } | undefined;
  let handled = false;
  // Capture on the form runs before the page's own submit listeners: they see respondWith.
  const prepare = (event: Event) => {
    const e = event as AgentSubmitEvent;
    e.agentInvoked = true;
    e.respondWith = (value: unknown) => {
      response = { value };
      e.preventDefault();
    };
  };
  // Last in the bubble path: whatever nobody handled would navigate away.
  const guard = (event: Event) => {
    handled = event.defaultPrevented;
    if (!event.defaultPrevented) event.preventDefault();
  };
  if (!form.checkValidity()) {
    const invalid = Array.from(form.elements).filter((el) => (el as Control).validity?.valid === false).map((el) => `${(el as Control).name}: ${(el as Control).validationMessage}`);
    return { isError: true, content: [{ type: 'text', text: `The form did not accept the values: ${invalid.join('; ')}` }] };
  }
  form.addEventListener('submit', prepare, { capture: true, once: true });
  window.addEventListener('submit', guard, { once: true });
  try {
    form.requestSubmit();
  } finally {
    form.removeEventListener('submit', prepare, { capture: true });
    window.removeEventListener('submit', guard);
  }
  if (response) return await response.value;
  if (handled) return 'The form was submitted; the page handled it.';
  return 'The form was filled in but not submitted: submitting it would leave the page. The person can check it and submit it.';
}

/** The page tool of a `<form toolname>`; undefined when the form declares none. */
export function formTool(form: HTMLFormElement): PageToolDefinition | undefined {
  const name = form.getAttribute('toolname')?.trim();
  if (!name) return undefined;
  const description = form.getAttribute('tooldescription')?.trim() || name;
  const autosubmit = form.hasAttribute('toolautosubmit');
  return {
    name,
    ...(form.getAttribute('tooltitle') && { title: form.getAttribute('tooltitle')! }),
    description,
    inputSchema: schemaFromForm(form),
    // A form the person submits, or one the page answers: neither reaches outside on its own.
    annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: false },
    async execute(args) {
      if (!form.isConnected) throw new Error('The form is no longer on the page');
      fill(form, args);
      if (autosubmit) return submit(form);
      const button = form.querySelector<HTMLElement>('button[type="submit"], button:not([type]), input[type="submit"]');
      button?.focus();
      return 'The form was filled in; the person checks it and submits it.';
    },
  };
}

const ATTRIBUTES = ['toolname', 'tooldescription', 'tooltitle', 'toolautosubmit', 'toolparamdescription', 'name', 'required', 'disabled'];

/**
 * Registers every `<form toolname>` under `root` with `tools`, and follows the page: forms added,
 * removed or changed are registered again. Returns the function that stops it (and unregisters them).
 */
export function watchToolForms(root: Document | Element, tools: Pick<PageTools, 'registerTool'>): () => void {
  const registered = new Map<HTMLFormElement, { json: string; dispose: () => void }>();
  const scan = () => {
    const forms = new Set(Array.from(root.querySelectorAll<HTMLFormElement>('form[toolname]')));
    for (const [form, entry] of registered) {
      if (!forms.has(form)) {
        entry.dispose();
        registered.delete(form);
      }
    }
    for (const form of forms) {
      const tool = formTool(form);
      const json = JSON.stringify(tool && { ...tool, execute: undefined });
      if (registered.get(form)?.json === json) continue;
      registered.get(form)?.dispose();
      registered.delete(form);
      if (!tool) continue;
      try {
        registered.set(form, { json, dispose: tools.registerTool(tool) });
      } catch (err) {
        // A bad or duplicate toolname: the form is left out, and the page's console says why.
        console.warn(`Toolgate: the form tool "${tool.name}" was not registered:`, err instanceof Error ? err.message : err);
      }
    }
  };
  const observer = new MutationObserver(scan);
  observer.observe(root, { subtree: true, childList: true, attributes: true, attributeFilter: ATTRIBUTES });
  scan();
  return () => {
    observer.disconnect();
    for (const entry of registered.values()) entry.dispose();
    registered.clear();
  };
}
