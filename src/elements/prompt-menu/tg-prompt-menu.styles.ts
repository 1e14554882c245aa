import { css } from 'lit';
import { controlStyles, pickerStyles, themeTokens } from '../shared/theme.styles.js';

/** The shared theme and controls, then the menu: a bounded list above the message field. */
export const styles = [
  themeTokens,
  controlStyles,
  pickerStyles,
  css`
    .menu {
      display: grid;
      gap: 0.4rem;
      max-height: min(22rem, 60vh);
      overflow: auto;
      padding: 0.5rem;
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      background: var(--_bg);
    }
    .head {
      margin: 0;
      font-size: 0.85em;
    }
    ul:focus-visible {
      outline: 2px solid var(--_accent);
      outline-offset: 2px;
    }
    .option {
      display: grid;
      gap: 0.05rem;
      padding: 0.35rem 0.5rem;
      border-radius: var(--_radius);
      cursor: pointer;
    }
    .option[aria-selected='true'] {
      background: var(--_surface);
      outline: 1px solid var(--_accent);
    }
    .command {
      font-size: 0.85em;
      color: var(--_muted);
    }
    .prompt-form {
      display: grid;
      gap: 0.4rem;
    }
    .prompt-form p {
      margin: 0;
    }
    .actions {
      display: flex;
      gap: 0.5rem;
    }
  `,
];
