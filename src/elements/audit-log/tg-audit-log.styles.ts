import { css } from 'lit';
import { themeTokens } from '../shared/theme.styles.js';

/** The shared `--tg-*` theme (light and dark), then the viewer's own sizes and layout. WCAG AA defaults. */
export const styles = [
  themeTokens,
  css`
  :host {
    --_size: var(--tg-font-size, 0.875rem);
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
`,
];
