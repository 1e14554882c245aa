import { css } from 'lit';
import { controlStyles, inputStyles, themeTokens } from '../shared/theme.styles.js';

/** The shared theme and controls, then the menu: a bounded list above the message field. */
export const styles = [
  themeTokens,
  controlStyles,
  inputStyles,
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
    ul {
      margin: 0;
      padding: 0;
      list-style: none;
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
    .title {
      font-weight: 600;
      overflow-wrap: anywhere;
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
    .field {
      display: grid;
      gap: 0.2rem;
    }
    .suggestions {
      display: flex;
      flex-wrap: wrap;
      gap: 0.25rem;
    }
    .suggestion {
      padding: 0.1em 0.5em;
      font-size: 0.85em;
      background: var(--_surface);
      color: var(--_fg);
    }
    .actions {
      display: flex;
      gap: 0.5rem;
    }
  `,
];
