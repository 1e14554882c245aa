import { css } from 'lit';
import { controlStyles, pickerStyles, themeTokens } from '../shared/theme.styles.js';

/** The shared theme and controls, then the picker's panel: a bounded, scrolling list. */
export const styles = [
  themeTokens,
  controlStyles,
  pickerStyles,
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
  `,
];
