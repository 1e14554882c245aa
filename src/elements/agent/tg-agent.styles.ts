import { css } from 'lit';
import { controlStyles, themeTokens } from '../shared/theme.styles.js';

/** The conversation, chips, composer and audit panel; the theme and controls are shared. */
export const styles = [
  themeTokens,
  controlStyles,
  css`
  .conversation {
    display: grid;
    gap: 0.6rem;
  }

  .provider-picker {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem;
  }

  .provider-picker select {
    max-width: 100%;
    font: inherit;
  }

  .messages {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 0.5rem;
    min-width: 0;
  }

  .log:has(.messages:empty),
  .messages:empty {
    display: none;
  }

  .msg {
    min-width: 0;
    padding: 0.5rem;
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) * 0.75);
    overflow-wrap: anywhere;
  }

  .msg .who {
    display: block;
    font-size: 0.8em;
    font-weight: 600;
    color: var(--_muted);
  }

  .msg .text {
    white-space: pre-wrap;
  }

  .msg.user {
    background: var(--_surface);
    margin-inline-start: 10%;
  }

  .msg.assistant {
    margin-inline-end: 10%;
  }

  .cursor {
    color: var(--_muted);
  }

  /* The model's Markdown (sanitized; see src/markdown/render.ts). */
  .markdown > :first-child {
    margin-top: 0;
  }
  .markdown > :last-child {
    margin-bottom: 0;
  }
  .markdown :is(p, ul, ol, pre, blockquote, table) {
    margin: 0.4em 0;
  }
  .markdown :is(h1, h2, h3, h4, h5, h6) {
    margin: 0.6em 0 0.3em;
    font-size: 1em;
  }
  .markdown h1 {
    font-size: 1.2em;
  }
  .markdown h2 {
    font-size: 1.1em;
  }
  .markdown pre {
    overflow-x: auto;
    padding: 0.5rem;
    background: var(--_surface);
    border-radius: calc(var(--_radius) * 0.5);
  }
  .markdown code {
    font-family: var(--_mono);
    font-size: 0.92em;
  }
  .markdown blockquote {
    padding-inline-start: 0.75em;
    border-inline-start: 3px solid var(--_border);
    color: var(--_muted);
  }
  .markdown table {
    display: block;
    overflow-x: auto;
    border-collapse: collapse;
  }
  .markdown :is(th, td) {
    padding: 0.2em 0.5em;
    border: 1px solid var(--_border);
  }
  .markdown img {
    max-width: 100%;
    height: auto;
  }
  .markdown a {
    color: var(--_accent);
  }
  /* A link to an origin the host did not allow shows where it goes. */
  .markdown a[data-tg-domain]::after {
    content: ' (' attr(data-tg-domain) ')';
    color: var(--_muted);
    font-size: 0.85em;
  }
  /* Keyboard users see the full URL the title shows on hover. */
  .markdown a:focus-visible::after {
    content: ' ' attr(href);
    color: var(--_muted);
    font-size: 0.85em;
  }
  .blocked-image {
    display: inline-flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: 0.35em;
    padding: 0.25em 0.5em;
    border: 1px dashed var(--_border);
    border-radius: calc(var(--_radius) * 0.5);
    background: var(--_surface);
  }
  .blocked-image code {
    font-family: var(--_mono);
    font-size: 0.85em;
    overflow-wrap: anywhere;
  }

  .chip {
    display: grid;
    gap: 0.35rem;
    background: var(--_surface);
  }

  .chip-head {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: 0.25rem 0.5rem;
  }

  .chip-name {
    font-weight: 600;
  }

  .chip.status-running .chip-status {
    color: var(--_warn);
    background: var(--_warn-bg);
  }
  .chip.status-ok .chip-status {
    color: var(--_ok);
    background: var(--_ok-bg);
  }
  .chip.status-tool-error .chip-status,
  .chip.status-refused .chip-status,
  .chip.status-failed .chip-status {
    color: var(--_error);
    background: var(--_error-bg);
  }
  .chip.status-waiting .chip-status {
    color: var(--_accent-fg);
    background: var(--_accent);
  }
  .chip-server {
    font-size: 0.85em;
  }
  .context-chips {
    display: flex;
    flex-wrap: wrap;
    gap: calc(var(--_gap) / 2);
    list-style: none;
    margin: 0 0 calc(var(--_gap) / 2);
    padding: 0;
  }
  .context-chip {
    display: inline-flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.4em;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    padding: 0.1em 0.5em;
    max-width: 100%;
    overflow-wrap: anywhere;
  }
  .chip.status-cancelled .chip-status {
    color: var(--_muted);
    background: var(--_bg);
  }

  .tool-result {
    display: grid;
    gap: 0.5rem;
    min-width: 0;
  }

  .error-entry {
    color: var(--_error);
    background: var(--_error-bg);
    border-color: var(--_error);
  }

  .error-entry .code {
    font-weight: 600;
    margin-inline-end: 0.35rem;
  }

  .approvals {
    display: grid;
    gap: var(--_gap);
  }

  .composer {
    display: grid;
    gap: 0.35rem;
  }

  .composer textarea {
    min-height: 3rem;
  }

  .banner {
    padding: 0.5rem;
    border: 1px solid var(--_error);
    border-radius: calc(var(--_radius) * 0.75);
    background: var(--_error-bg);
  }

  .toolbar {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem 0.75rem;
  }

  .audit {
    display: grid;
    min-width: 0;
  }

  .audit > * {
    min-width: 0;
  }

  /* Context an MCP App view set for the model: shown until it goes with the next message. */
  .view-context {
    list-style: none;
    margin: 0 0 calc(var(--_gap) / 2);
    padding: 0;
  }
  .view-context li {
    border: 1px dashed var(--_border);
    border-radius: var(--_radius);
    padding: calc(var(--_gap) / 2);
  }
  .view-context pre {
    white-space: pre-wrap;
    margin: 0.25em 0;
  }
`,
];
