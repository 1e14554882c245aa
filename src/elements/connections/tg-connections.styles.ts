import { css } from 'lit';
import { controlStyles, themeTokens } from '../shared/theme.styles.js';

export const styles = [
  themeTokens,
  controlStyles,
  css`
    .connections {
      display: grid;
      gap: var(--_gap);
      min-width: 0;
    }

    h4 {
      margin: var(--_gap) 0 0;
      font-size: 0.95em;
    }

    .card-head {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.4rem 0.6rem;
    }

    .card-head .card-actions {
      margin-left: auto;
    }

    .card-head .server-title {
      margin: 0;
      flex: 0 1 auto;
      min-width: 0;
      overflow-wrap: anywhere;
    }


    .badge.status-sign-in {
      color: var(--_warn);
      background: var(--_warn-bg);
    }

    .add-form {
      display: flex;
      flex-wrap: wrap;
      align-items: end;
      gap: 0.5rem 0.75rem;
      padding: var(--_gap);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
    }

    .field {
      display: grid;
      gap: 0.2rem;
      min-width: 0;
    }

    .url-field {
      flex: 1 1 16rem;
    }

    .field.check {
      grid-template-columns: auto 1fr;
      align-items: center;
      column-gap: 0.35rem;
    }

    .field.check .hint {
      grid-column: 1 / -1;
    }

    input[type='url'],
    input[type='search'],
    select {
      font: inherit;
      min-height: 2rem;
      max-width: 100%;
      padding: 0.25rem 0.4rem;
      border: 1px solid var(--_border);
      border-radius: calc(var(--_radius) * 0.75);
      background: var(--_bg);
      color: var(--_fg);
    }

    input[type='url'] {
      width: 100%;
      font-family: var(--_mono);
    }

    input[aria-invalid='true'] {
      border-color: var(--_error);
    }

    .error:empty {
      display: none;
    }

    .consent,
    .review,
    .warning {
      display: grid;
      gap: 0.5rem;
      padding: var(--_gap);
      border: 1px solid var(--_warn);
      border-radius: var(--_radius);
      background: var(--_warn-bg);
      color: var(--_fg);
    }

    .trusted,
    .pin-pinned {
      color: var(--_ok);
      background: var(--_ok-bg);
    }

    .untrusted {
      color: var(--_muted);
      background: var(--_surface);
    }

    .pin-quarantined {
      color: var(--_warn);
      background: var(--_warn-bg);
    }

    .diff {
      max-height: 16em;
      overflow: auto;
      padding: 0.5rem;
      background: var(--_bg);
      border: 1px solid var(--_border);
      border-radius: calc(var(--_radius) * 0.5);
    }

    .diff .added {
      color: var(--_ok);
    }

    .diff .removed {
      color: var(--_error);
    }

    .gate-state {
      display: flex;
      flex-wrap: wrap;
      align-items: baseline;
      gap: 0.25rem 0.5rem;
    }
  `,
];
