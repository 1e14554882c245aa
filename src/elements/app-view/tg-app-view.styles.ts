import { css } from 'lit';
import { cardStyles, controlStyles, themeTokens } from '../shared/theme.styles.js';

export const styles = [
  themeTokens,
  controlStyles,
  cardStyles,
  css`
    :host {
      display: block;
      font-family: var(--_font);
      font-size: var(--_size);
      color: var(--_fg);
    }
    .wrap {
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      overflow: hidden;
      background: var(--_bg);
    }
    .wrap.fullscreen {
      position: fixed;
      inset: 0;
      z-index: 2147483000;
      border-radius: 0;
      display: flex;
      flex-direction: column;
    }
    .wrap.fullscreen iframe {
      flex: 1;
      height: auto;
    }
    .toolbar {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: calc(var(--_gap) / 2);
      padding: calc(var(--_gap) / 3) calc(var(--_gap) / 2);
      background: var(--_surface);
      border-bottom: 1px solid var(--_border);
      font-size: 0.85em;
    }
    .toolbar .label {
      font-weight: 600;
    }
    .toolbar button {
      margin-left: auto;
    }
    .toolbar button + button {
      margin-left: 0;
    }
    .muted {
      color: var(--_muted);
    }
    iframe {
      display: block;
      width: 100%;
      border: 0;
      background: transparent;
    }
    iframe:focus-visible {
      outline: 2px solid var(--_accent);
      outline-offset: -2px;
    }
    .notice {
      padding: calc(var(--_gap) / 2) var(--_gap);
      border: 1px dashed var(--_border);
      border-radius: var(--_radius);
      color: var(--_muted);
    }
    .notice.warn {
      background: var(--_warn-bg);
      color: var(--_warn);
    }
    .consent {
      margin: calc(var(--_gap) / 2);
      padding: calc(var(--_gap) / 2) var(--_gap);
      border: 2px solid var(--_accent);
      border-radius: var(--_radius);
      background: var(--_bg);
    }
    .consent .url code {
      word-break: break-all;
    }
    .consent blockquote {
      white-space: pre-wrap;
      margin: 0.5em 0;
      padding-left: 0.75em;
      border-left: 3px solid var(--_border);
    }
    .warn {
      color: var(--_warn);
    }
    .actions {
      display: flex;
      gap: calc(var(--_gap) / 2);
    }
  `,
];
