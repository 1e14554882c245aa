import { css } from 'lit';

/** Public `--tg-*` properties feed private `--_*` ones (same scheme as `<tg-agent>`). WCAG AA defaults. */
export const styles = css`
  :host {
    --_font: var(--tg-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    --_mono: var(--tg-mono-font-family, ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace);
    --_size: var(--tg-font-size, 0.875rem);
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
    --_error: var(--tg-color-error, #a40e26);
    --_error-bg: var(--tg-color-error-bg, #ffebe9);
    --_row: var(--tg-audit-row-height, 2rem);
    --_list-height: var(--tg-audit-list-height, 24rem);

    display: flex;
    flex-direction: column;
    gap: var(--_gap);
    box-sizing: border-box;
    min-width: 0;
    color: var(--_fg);
    background: var(--_bg);
    font-family: var(--_font);
    font-size: var(--_size);
    line-height: 1.4;
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
      --_error: var(--tg-color-error, #ff7b72);
      --_error-bg: var(--tg-color-error-bg, #2d1214);
    }
  }
  :host([hidden]) {
    display: none;
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  .banner {
    margin: 0;
    padding: 0.5rem 0.75rem;
    border-radius: var(--_radius);
    border: 1px solid var(--_error);
    color: var(--_error);
    background: var(--_error-bg);
  }
  .toolbar,
  .filters {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: end;
  }
  .filters label {
    display: flex;
    flex-direction: column;
    gap: 0.125rem;
    color: var(--_muted);
    font-size: 0.8125rem;
  }
  input,
  select,
  button {
    font: inherit;
    color: var(--_fg);
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) / 2);
    padding: 0.25rem 0.5rem;
  }
  button {
    cursor: pointer;
    background: var(--_accent);
    color: var(--_accent-fg);
    border-color: var(--_accent);
  }
  :focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 1px;
  }
  .count,
  .muted {
    color: var(--_muted);
  }
  .verify-result {
    margin: 0;
  }
  .verify-result.ok {
    color: var(--_ok);
  }
  .verify-result.broken {
    color: var(--_error);
  }
  .table {
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    overflow: hidden;
  }
  .row {
    display: grid;
    grid-template-columns: 5rem 11rem 7rem minmax(8rem, 2fr) minmax(6rem, 1fr) 6rem minmax(8rem, 2fr);
    align-items: center;
    width: 100%;
    height: var(--_row);
    padding: 0 0.5rem;
    gap: 0.5rem;
    border-bottom: 1px solid var(--_border);
    cursor: default;
  }
  .row > * {
    overflow: hidden;
    white-space: nowrap;
    text-overflow: ellipsis;
  }
  .head {
    font-weight: 600;
    background: var(--_surface);
  }
  .body .row:hover,
  .body .row[aria-selected='true'] {
    background: var(--_surface);
  }
  .body .row:focus-visible {
    outline-offset: -2px;
  }
  lit-virtualizer {
    height: var(--_list-height);
    width: 100%;
  }
  .mono {
    font-family: var(--_mono);
  }
  .deny {
    color: var(--_error);
  }
  .detail {
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: var(--_gap);
    background: var(--_surface);
  }
  .detail h3 {
    margin: 0 0 0.5rem;
    font-size: 1rem;
  }
  .detail dl {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: 0.25rem 0.75rem;
    margin: 0 0 0.5rem;
  }
  .detail dt {
    color: var(--_muted);
  }
  .detail dd {
    margin: 0;
    overflow-wrap: anywhere;
  }
  .detail pre {
    margin: 0;
    max-height: 16rem;
    overflow: auto;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    font-family: var(--_mono);
    font-size: 0.8125rem;
  }
`;
