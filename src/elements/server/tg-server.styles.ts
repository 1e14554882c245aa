import { css } from 'lit';

/** `<tg-server>` is configuration only: it renders nothing. */
export const styles = css`
  :host {
    display: none !important;
  }
`;
