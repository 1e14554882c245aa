import { LitElement } from 'lit';
import { styles } from './tg-server.styles.js';
import type { ServerDeclaration } from '../../runtime/server-spec.js';
import { parseServerAttributes } from './server-config.js';

/**
 * Declares one MCP server for the enclosing `<tg-agent>`; it renders nothing.
 *
 * Every property reflects to its attribute, and `<tg-agent>` reads the attributes (watching them
 * with a MutationObserver), so adding, removing or changing a `<tg-server>` — by markup or by
 * property — reconnects just that server.
 *
 * @example
 * ```html
 * <tg-agent>
 *   <tg-server url="wss://tools.example/mcp" msgpack name="Notes"></tg-server>
 * </tg-agent>
 * ```
 */
export class TgServer extends LitElement {
  static override styles = styles;

  static override properties = {
    url: { type: String, reflect: true },
    transport: { type: String, reflect: true },
    msgpack: { type: Boolean, reflect: true },
    name: { type: String, reflect: true },
    maxFrameBytes: { type: Number, reflect: true, attribute: 'max-frame-bytes' },
    requestTimeoutMs: { type: Number, reflect: true, attribute: 'request-timeout-ms' },
  };

  /** The server's URL: `wss://…` or `https://…`, or `ws://`/`http://` to a loopback host. */
  declare url: string | undefined;
  /** `auto` (the default: WebSocket for `ws(s):`, else Streamable HTTP with a legacy SSE fallback), `websocket`, `http` or `sse`. */
  declare transport: 'auto' | 'websocket' | 'http' | 'sse' | undefined;
  /** Offer the MessagePack subprotocol; the server decides. */
  declare msgpack: boolean | undefined;
  /** A label shown instead of the URL. */
  declare name: string | undefined;
  /** Largest WebSocket frame accepted or sent (attribute `max-frame-bytes`). Default 4 MiB. */
  declare maxFrameBytes: number | undefined;
  /** Default per-request timeout (attribute `request-timeout-ms`). Default 60 s. */
  declare requestTimeoutMs: number | undefined;

  /** This element's configuration as `<tg-agent>` reads it. */
  get declaration(): ServerDeclaration {
    return parseServerAttributes(this);
  }
}
