import { css } from 'lit';
import { styles as agentStyles } from '../agent/tg-agent.styles.js';

/** The `--tg-*` tokens and controls of `<tg-agent>`, plus the form layout. */
export const styles = [
  agentStyles,
  css`
    .manual {
      display: grid;
      gap: 0.6rem;
      min-width: 0;
    }
    .field {
      display: grid;
      gap: 0.2rem;
      min-width: 0;
    }
    .field.check {
      grid-template-columns: auto 1fr;
      align-items: center;
      column-gap: 0.4rem;
    }
    .field.check > :not(input):not(label) {
      grid-column: 1 / -1;
    }
    .group {
      display: grid;
      gap: 0.5rem;
      min-width: 0;
      margin: 0;
      padding: 0.5rem;
      border: 1px solid var(--_border);
      border-radius: calc(var(--_radius) * 0.75);
    }
    legend {
      font-weight: 600;
      padding: 0 0.25rem;
      overflow-wrap: anywhere;
    }
    .item {
      display: grid;
      grid-template-columns: minmax(0, 1fr) auto;
      align-items: end;
      gap: 0.4rem;
    }
    input:not([type='checkbox']),
    select {
      font: inherit;
      width: 100%;
      min-width: 0;
      min-height: 2rem;
      padding: 0.3rem 0.4rem;
      border: 1px solid var(--_border);
      border-radius: calc(var(--_radius) * 0.75);
      background: var(--_bg);
      color: var(--_fg);
    }
    textarea {
      min-height: 4rem;
    }
    input:focus-visible,
    select:focus-visible {
      outline: 2px solid var(--_accent);
      outline-offset: 2px;
    }
    [aria-invalid='true'] {
      border-color: var(--_error);
    }
    .required {
      color: var(--_error);
      margin-inline-start: 0.2rem;
    }
    .description {
      color: var(--_muted);
      font-size: 0.85em;
      white-space: pre-wrap;
      overflow-wrap: anywhere;
      max-height: 8em;
      overflow: auto;
    }
    .field-error,
    .form-error {
      color: var(--_error);
      overflow-wrap: anywhere;
      margin: 0;
    }
    .form-error .code {
      font-weight: 600;
      margin-inline-end: 0.35rem;
    }
  `,
];
