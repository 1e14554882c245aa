import { css } from 'lit';

/**
 * The theme every Toolgate element shares: each colour and font goes through a private `--_*`
 * variable that falls back from the public `--tg-*` one, so a host page can set `--tg-*` on the
 * element or on any ancestor (custom properties inherit into shadow roots). Light by default,
 * dark under `prefers-color-scheme: dark`; the defaults meet WCAG AA contrast in both.
 *
 * @cssproperty --tg-font-family - Text font.
 * @cssproperty --tg-mono-font-family - Font of arguments, results and codes.
 * @cssproperty --tg-font-size - Base font size.
 * @cssproperty --tg-radius - Corner radius of cards and controls.
 * @cssproperty --tg-space - Spacing between and inside cards.
 * @cssproperty --tg-color-bg - Background.
 * @cssproperty --tg-color-fg - Text colour.
 * @cssproperty --tg-color-muted - Secondary text.
 * @cssproperty --tg-color-surface - Background of tools, chips and neutral badges.
 * @cssproperty --tg-color-border - Borders.
 * @cssproperty --tg-color-accent - Primary buttons, focus rings, the selected tool.
 * @cssproperty --tg-color-accent-fg - Text on the accent colour.
 * @cssproperty --tg-color-ok - `ready`, trusted and read-only badges (text).
 * @cssproperty --tg-color-ok-bg - `ready`, trusted and read-only badges (background).
 * @cssproperty --tg-color-warn - `connecting` and quarantined badges (text).
 * @cssproperty --tg-color-warn-bg - `connecting` and quarantined badges (background).
 * @cssproperty --tg-color-error - Errors and destructive badges (text).
 * @cssproperty --tg-color-error-bg - Errors and destructive badges (background).
 */
export const themeTokens = css`
  :host {
    --_font: var(--tg-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    --_mono: var(--tg-mono-font-family, ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace);
    --_size: var(--tg-font-size, 0.9375rem);
    --_radius: var(--tg-radius, 0.5rem);
    --_gap: var(--tg-space, 0.75rem);
    --_bg: var(--tg-color-bg, #ffffff);
    --_fg: var(--tg-color-fg, #1f2328);
    --_muted: var(--tg-color-muted, #57606a);
    --_surface: var(--tg-color-surface, #f6f8fa);
    --_border: var(--tg-color-border, #d0d7de);
    --_accent: var(--tg-color-accent, #0550ae);
    --_accent-fg: var(--tg-color-accent-fg, #ffffff);
    --_ok: var(--tg-color-ok, #116329);
    --_ok-bg: var(--tg-color-ok-bg, #dafbe1);
    --_warn: var(--tg-color-warn, #7d4e00);
    --_warn-bg: var(--tg-color-warn-bg, #fff8c5);
    --_error: var(--tg-color-error, #a40e26);
    --_error-bg: var(--tg-color-error-bg, #ffebe9);
  }

  @media (prefers-color-scheme: dark) {
    :host {
      --_bg: var(--tg-color-bg, #0d1117);
      --_fg: var(--tg-color-fg, #e6edf3);
      --_muted: var(--tg-color-muted, #9198a1);
      --_surface: var(--tg-color-surface, #161b22);
      --_border: var(--tg-color-border, #3d444d);
      --_accent: var(--tg-color-accent, #4493f8);
      --_accent-fg: var(--tg-color-accent-fg, #0d1117);
      --_ok: var(--tg-color-ok, #56d364);
      --_ok-bg: var(--tg-color-ok-bg, #12261e);
      --_warn: var(--tg-color-warn, #e3b341);
      --_warn-bg: var(--tg-color-warn-bg, #272115);
      --_error: var(--tg-color-error, #ff7b72);
      --_error-bg: var(--tg-color-error-bg, #2d1214);
    }
  }

`;

/** Base layout, type and controls (buttons, badges, fields, results) of the elements. */
export const controlStyles = css`
  :host {
    display: block;
    box-sizing: border-box;
    min-width: 0;
    max-width: 100%;
    color: var(--_fg);
    background: var(--_bg);
    font-family: var(--_font);
    font-size: var(--_size);
    line-height: 1.45;
  }

  :host([hidden]) {
    display: none;
  }

  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }

  .base {
    display: grid;
    gap: var(--_gap);
  }

  .card {
    min-width: 0;
    padding: var(--_gap);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_bg);
  }

  h2,
  h3 {
    margin: 0;
    line-height: 1.25;
    overflow-wrap: anywhere;
  }

  h2 {
    font-size: 1.05em;
  }

  h3 {
    margin-top: var(--_gap);
    font-size: 0.95em;
  }

  p {
    margin: 0.25rem 0;
  }

  code,
  pre,
  textarea {
    font-family: var(--_mono);
  }

  code {
    font-size: 0.92em;
    overflow-wrap: anywhere;
  }

  .url,
  .muted,
  .hint {
    color: var(--_muted);
    overflow-wrap: anywhere;
  }

  .hint {
    font-size: 0.85em;
  }

  .status-line {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: 0.25rem 0.5rem;
    margin-top: 0.25rem;
  }

  .badge {
    display: inline-block;
    padding: 0.05rem 0.5rem;
    border: 1px solid currentColor;
    border-radius: 999px;
    font-size: 0.8em;
    font-weight: 600;
    white-space: nowrap;
  }

  .status-ready {
    color: var(--_ok);
    background: var(--_ok-bg);
  }
  .status-connecting {
    color: var(--_warn);
    background: var(--_warn-bg);
  }
  .status-failed {
    color: var(--_error);
    background: var(--_error-bg);
  }
  .status-closed {
    color: var(--_muted);
    background: var(--_surface);
  }

  .claim-read-only {
    color: var(--_ok);
    background: var(--_ok-bg);
  }
  .claim-destructive {
    color: var(--_error);
    background: var(--_error-bg);
  }

  .error {
    color: var(--_error);
    overflow-wrap: anywhere;
  }

  .error .code {
    font-weight: 600;
    margin-inline-end: 0.35rem;
  }

  .tools {
    list-style: none;
    margin: 0.5rem 0 0;
    padding: 0;
    display: grid;
    gap: 0.5rem;
  }

  .tool {
    min-width: 0;
    padding: 0.5rem;
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) * 0.75);
    background: var(--_surface);
  }

  .tool-head {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.25rem 0.5rem;
  }

  .tool-description {
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    max-height: 12em;
    overflow: auto;
  }

  button {
    font: inherit;
    cursor: pointer;
    border-radius: calc(var(--_radius) * 0.75);
    padding: 0.3rem 0.75rem;
    min-height: 2rem;
  }

  button:disabled {
    cursor: not-allowed;
    opacity: 0.6;
  }

  button:focus-visible,
  input:focus-visible,
  select:focus-visible,
  textarea:focus-visible,
  audio:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }

  .tool-button {
    max-width: 100%;
    border: 1px solid var(--_border);
    background: var(--_bg);
    color: var(--_fg);
    text-align: start;
    overflow-wrap: anywhere;
  }

  .tool-button[aria-pressed='true'] {
    border-color: var(--_accent);
    box-shadow: inset 0 0 0 1px var(--_accent);
  }

  .tool-name {
    color: var(--_muted);
    margin-inline-start: 0.35rem;
  }

  .call {
    display: grid;
    gap: 0.35rem;
    margin-top: 0.5rem;
  }

  label {
    font-weight: 600;
    overflow-wrap: anywhere;
  }

  textarea {
    width: 100%;
    min-height: 6rem;
    resize: vertical;
    padding: 0.4rem;
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) * 0.75);
    background: var(--_bg);
    color: var(--_fg);
    font-size: 0.9em;
  }

  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
  }

  .primary {
    border: 1px solid var(--_accent);
    background: var(--_accent);
    color: var(--_accent-fg);
  }

  .secondary {
    border: 1px solid var(--_border);
    background: var(--_bg);
    color: var(--_fg);
  }

  .progress {
    display: grid;
    gap: 0.2rem;
  }

  progress {
    width: 100%;
  }

  .result {
    display: grid;
    gap: 0.5rem;
    min-width: 0;
  }

  .result-body {
    display: grid;
    gap: 0.5rem;
    padding: 0.5rem;
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) * 0.75);
    background: var(--_bg);
    min-width: 0;
  }

  .result-body.is-error {
    border-color: var(--_error);
    background: var(--_error-bg);
  }

  .result-label {
    font-weight: 600;
  }

  .is-error .result-label {
    color: var(--_error);
  }

  .text-block,
  pre {
    margin: 0;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    font-family: var(--_mono);
    font-size: 0.9em;
  }

  img {
    display: block;
    max-width: 100%;
    height: auto;
    border-radius: calc(var(--_radius) * 0.5);
  }

  audio {
    max-width: 100%;
  }

  .notice {
    color: var(--_muted);
    font-style: italic;
  }

  details summary {
    cursor: pointer;
  }


  [hidden] {
    display: none !important;
  }
  /* Read by screen readers, not shown. */
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;

/**
 * What the composer's pickers (`<tg-resource-picker>`, `<tg-prompt-menu>`) share: text inputs on the
 * theme's tokens, a bare list of options with bold titles, and the argument fields with their
 * completion suggestions (`argumentFields()`).
 */
export const pickerStyles = css`
  input {
    font: inherit;
    padding: 0.35em 0.5em;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_bg);
    color: var(--_fg);
    min-width: 0;
  }
  ul {
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .title {
    font-weight: 600;
    overflow-wrap: anywhere;
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
`;

/** The inline card of `<tg-approval>` and `<tg-elicitation>`: focusable, accent-bordered. */
export const cardStyles = css`
  :host {
    display: block;
    box-sizing: border-box;
    min-width: 0;
    color: var(--_fg);
    font-family: var(--_font);
    font-size: var(--tg-font-size, 0.875rem);
    line-height: 1.4;
  }
  .card {
    display: flex;
    flex-direction: column;
    gap: var(--_gap);
    padding: var(--_gap);
    border: 2px solid var(--_accent);
    border-radius: var(--_radius);
    background: var(--_bg);
  }
  .card:focus-visible {
    outline: 3px solid var(--_accent);
    outline-offset: 2px;
  }
`;
