import { css } from 'lit';
import { controlStyles, inputStyles, themeTokens } from '../shared/theme.styles.js';

/** The shared theme and controls, then the picker's panel: a bounded, scrolling list. */
export const styles = [
  themeTokens,
  controlStyles,
  inputStyles,
  css`
    .panel {
      display: grid;
      gap: calc(var(--_gap) / 2);
      max-height: min(28rem, 70vh);
      overflow: auto;
      padding: var(--_gap);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      background: var(--_bg);
    }
    .head {
      display: flex;
      align-items: center;
      justify-content: space-between;
      gap: var(--_gap);
    }
    h2 {
      font-size: 1em;
    }
    ul {
      margin: 0;
      padding: 0;
      list-style: none;
      display: grid;
      gap: 0.25rem;
    }
    input {
      width: 100%;
    }
    .option {
      display: grid;
      gap: 0.1rem;
      width: 100%;
      text-align: start;
      background: var(--_surface);
      color: var(--_fg);
    }
    .title {
      font-weight: 600;
      overflow-wrap: anywhere;
    }
    .uri {
      font-size: 0.85em;
      color: var(--_muted);
      overflow-wrap: anywhere;
    }
    .template-form {
      display: grid;
      gap: 0.4rem;
      padding: 0.5rem;
      border-inline-start: 3px solid var(--_accent);
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
  `,
];
