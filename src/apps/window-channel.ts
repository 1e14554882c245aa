/**
 * The postMessage side of a view's bridge: hears only messages whose `event.source` is the view's
 * outer frame AND whose `event.origin` is the sandbox origin, and posts only to that origin. A
 * message from anywhere else — another frame, a page posting with a forged `origin` field, the view
 * posting straight to `top` (its `source` is then the inner frame, not ours) — never reaches the
 * bridge; such messages are only counted.
 */
import type { JsonObject, ViewChannel } from './bridge.js';

export interface WindowChannel extends ViewChannel {
  /** Messages ignored because of their source or origin. */
  readonly foreign: number;
}

export function windowChannel(frame: HTMLIFrameElement, sandboxOrigin: string, host: Window = window): WindowChannel {
  let foreign = 0;
  return {
    get foreign() {
      return foreign;
    },
    post(message: JsonObject) {
      frame.contentWindow?.postMessage(message, sandboxOrigin);
    },
    listen(receive) {
      const onMessage = (event: MessageEvent) => {
        if (event.source === null || event.source !== frame.contentWindow || event.origin !== sandboxOrigin) {
          // Only count what looks like bridge traffic, so unrelated page messages are not noise.
          const data = event.data as { jsonrpc?: unknown } | null;
          if (event.source === frame.contentWindow || event.origin === sandboxOrigin || data?.jsonrpc === '2.0') foreign++;
          return;
        }
        receive(event.data);
      };
      host.addEventListener('message', onMessage);
      return () => host.removeEventListener('message', onMessage);
    },
  };
}
