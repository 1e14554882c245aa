/**
 * The Manual provider's marker and its identity check, apart from the form model in `manual.ts`,
 * so the agent loop can tell manual mode without loading the form code and its JSON Schema validator.
 */

/** Marks manual mode: give it to `Agent` as its provider. */
export class ManualProvider {
  readonly kind = 'manual' as const;
  /** Calls in manual mode are proposed by the person, so no data flows to any model. */
  readonly label = 'person';
}

export function isManualProvider(value: unknown): value is ManualProvider {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'manual';
}
