import { css } from 'lit';
import { cardStyles, themeTokens } from '../shared/theme.styles.js';

/** The shared `--tg-*` theme (light and dark), then the card. WCAG AA defaults. */
export const styles = [
  themeTokens,
  cardStyles,
  css`
  h2,
  h3 {
    margin: 0;
    font-size: 1em;
  }
  h2 {
    font-size: 1.1em;
  }
  p {
    margin: 0;
  }
  code,
  pre {
    font-family: var(--_mono);
  }
  .meta {
    color: var(--_muted);
  }
  .badge {
    display: inline-block;
    padding: 0 0.4em;
    border-radius: 999px;
    border: 1px solid currentColor;
    font-size: 0.85em;
  }
  .badge.trusted {
    color: var(--_ok);
    background: var(--_ok-bg);
  }
  .badge.untrusted {
    color: var(--_warn);
    background: var(--_warn-bg);
  }
  .reason {
    padding: 0.5em;
    border-radius: var(--_radius);
    background: var(--_surface);
  }
  .flags {
    margin: 0;
    padding: 0.5em 0.5em 0.5em 1.75em;
    border-radius: var(--_radius);
    color: var(--_warn);
    background: var(--_warn-bg);
  }
  .description {
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  dl.claims {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: 0.1em 0.75em;
    margin: 0;
  }
  dl.claims dt {
    color: var(--_muted);
  }
  dl.claims dd {
    margin: 0;
  }
  pre {
    margin: 0;
    padding: 0.5em;
    max-height: 20em;
    overflow: auto;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  pre:focus-visible {
    outline: 2px solid var(--_accent);
  }
  details.long {
    display: inline;
  }
  details.long > summary {
    display: inline;
    cursor: pointer;
    color: var(--_accent);
  }
  .diff .added {
    color: var(--_ok);
    background: var(--_ok-bg);
  }
  .diff .removed {
    color: var(--_error);
    background: var(--_error-bg);
  }
  .diff span {
    display: block;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5em;
  }
  button {
    font: inherit;
    padding: 0.4em 0.9em;
    border-radius: var(--_radius);
    border: 1px solid var(--_border);
    background: var(--_surface);
    color: var(--_fg);
    cursor: pointer;
  }
  button:focus-visible {
    outline: 3px solid var(--_accent);
    outline-offset: 2px;
  }
  button.primary {
    background: var(--_accent);
    border-color: var(--_accent);
    color: var(--_accent-fg);
  }
  button.deny {
    color: var(--_error);
    border-color: var(--_error);
    background: var(--_bg);
  }
  button:disabled {
    opacity: 0.6;
    cursor: default;
  }
`,
];
