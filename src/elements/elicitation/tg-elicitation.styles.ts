import { css } from 'lit';
import { cardStyles, themeTokens } from '../shared/theme.styles.js';

/** The shared `--tg-*` theme, then the card (like `<tg-approval>`). */
export const styles = [
  themeTokens,
  cardStyles,
  css`
    h2 {
      margin: 0;
      font-size: 1.1em;
    }
    p {
      margin: 0;
      white-space: pre-wrap;
      overflow-wrap: anywhere;
    }
    .meta,
    .hint {
      color: var(--_muted);
    }
    .url {
      font-family: var(--_mono);
      overflow-wrap: anywhere;
      padding: 0.4em;
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      background: var(--_surface);
    }
    .url mark {
      font-weight: 700;
      color: var(--_fg);
      background: var(--_warn-bg);
    }
    .warning {
      padding: 0.4em;
      border-radius: var(--_radius);
      color: var(--_warn);
      background: var(--_warn-bg);
      font-weight: 600;
    }
    .error {
      color: var(--_error);
      background: var(--_error-bg);
      padding: 0.2em 0.4em;
      border-radius: var(--_radius);
    }
    .field {
      display: flex;
      flex-direction: column;
      gap: 0.2em;
    }
    .field.checkbox {
      flex-direction: row;
      align-items: center;
    }
    input,
    select {
      font: inherit;
      color: var(--_fg);
      background: var(--_bg);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      padding: 0.3em;
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
      gap: var(--_gap);
    }
    button {
      font: inherit;
      padding: 0.35em 0.9em;
      border-radius: var(--_radius);
      border: 1px solid var(--_accent);
      background: var(--_accent);
      color: var(--_accent-fg);
      cursor: pointer;
    }
    button.secondary {
      background: var(--_bg);
      color: var(--_fg);
      border-color: var(--_border);
    }
    button:focus-visible,
    input:focus-visible,
    select:focus-visible {
      outline: 3px solid var(--_accent);
      outline-offset: 2px;
    }
  `,
];
