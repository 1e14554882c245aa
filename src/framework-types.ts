/**
 * Typings for using the elements from frameworks, without depending on any of them. Importing
 * `toolgate` applies `HTMLElementTagNameMap` (each element's `x.ts`), `GlobalEventHandlersEventMap`
 * (each event's file), the global `JSX.IntrinsicElements` (React 18 and other runtimes that read the
 * global namespace) and Svelte's `svelteHTML`, here. React 19, Preact and Vue read their own
 * namespaces, which need their packages' types: `toolgate/types/react`, `toolgate/types/preact`,
 * `toolgate/types/vue` build on the tables below.
 *
 * Properties that take objects (`policy`, `provider`, `servers`) are set as properties — React 19,
 * Preact, Vue and Svelte 5 do that for custom elements when the element has the property; attributes
 * are listed in their kebab-case form. Events are `on<event name>` props (`ontg-tool-request`), the
 * form React 19, Preact and Svelte 5 turn into `addEventListener('tg-tool-request', …)`.
 */
import type { TgAgent } from './elements/agent/tg-agent.js';
import type { TgApproval } from './elements/approval/tg-approval.js';
import type { TgAuditLog } from './elements/audit-log/tg-audit-log.js';
import type { TgConnections } from './elements/connections/tg-connections.js';
import type { TgManualForm } from './elements/manual-form/tg-manual-form.js';
import type { TgProvider } from './elements/provider/tg-provider.js';
import type { TgServer } from './elements/server/tg-server.js';

/** Every `tg-*` event, by name, as the event files declare them in `GlobalEventHandlersEventMap`. */
export type ToolgateEventMap = {
  [K in keyof GlobalEventHandlersEventMap as K extends `tg-${string}` ? K : never]: GlobalEventHandlersEventMap[K];
};

type EventsNamed<Prefix extends string> = { [K in keyof ToolgateEventMap as K extends `${Prefix}${string}` ? K : never]: ToolgateEventMap[K] };

/** `on<event>` props with typed handlers: `ontg-tool-request={(e) => e.detail.request}`. */
export type EventHandlerProps<Events> = { [K in keyof Events & string as `on${K}`]?: (event: Events[K]) => void };

type Props<E, K extends keyof E> = Partial<Pick<E, K>>;

export interface TgAgentProps extends Props<TgAgent, 'servers' | 'provider' | 'policy' | 'roles' | 'tenant' | 'name' | 'system' | 'maxSteps' | 'noAudit' | 'noProviderPicker' | 'allowedOrigins' | 'workerUrl' | 'appsSandboxOrigin'> {
  'max-steps'?: number | string;
  'no-audit'?: boolean;
  'no-provider-picker'?: boolean;
  'allowed-origins'?: string;
  'worker-url'?: string;
  'apps-sandbox-origin'?: string;
}
export interface TgServerProps extends Props<TgServer, 'url' | 'transport' | 'msgpack' | 'name' | 'maxFrameBytes' | 'requestTimeoutMs'> {
  'max-frame-bytes'?: number | string;
  'request-timeout-ms'?: number | string;
}
export interface TgProviderProps extends Props<TgProvider, 'kind' | 'baseUrl' | 'model' | 'apiKey' | 'label'> {
  'base-url'?: string;
  'api-key'?: string;
}
export type TgConnectionsProps = Props<TgConnections, 'servers' | 'tools' | 'pins' | 'policy' | 'call'>;
export type TgApprovalProps = Props<TgApproval, 'request' | 'queue'>;
export type TgAuditLogProps = Props<TgAuditLog, 'log'>;
export type TgManualFormProps = Props<TgManualForm, 'tools' | 'busy'>;

/**
 * Each element: its class, what a template may set on it, and the events it dispatches (`tg-agent`
 * also re-dispatches those of the panels inside it: they bubble and are composed). The one table
 * every framework's typing is built from.
 */
export interface ToolgateElements {
  'tg-agent': { element: TgAgent; props: TgAgentProps; events: ToolgateEventMap };
  'tg-server': { element: TgServer; props: TgServerProps; events: {} };
  'tg-provider': { element: TgProvider; props: TgProviderProps; events: {} };
  'tg-connections': { element: TgConnections; props: TgConnectionsProps; events: {} };
  'tg-approval': { element: TgApproval; props: TgApprovalProps; events: {} };
  'tg-audit-log': { element: TgAuditLog; props: TgAuditLogProps; events: EventsNamed<'tg-audit-'> };
  'tg-manual-form': { element: TgManualForm; props: TgManualFormProps; events: EventsNamed<'tg-manual-'> };
}

/** What any element accepts in a template, besides its own properties (for runtimes without their own HTML typings). */
interface CommonProps {
  id?: string;
  class?: string;
  className?: string;
  style?: string | Record<string, string | number>;
  slot?: string;
  hidden?: boolean;
  children?: unknown;
  key?: string | number;
  ref?: unknown;
}

/** Tag → the props a template may set, events included. */
export type ToolgateElementProps = {
  [T in keyof ToolgateElements]: CommonProps & ToolgateElements[T]['props'] & EventHandlerProps<ToolgateElements[T]['events']>;
};

declare global {
  // React 18 (its `React.JSX` extends the global one) and other JSX runtimes that read the global namespace.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements extends ToolgateElementProps {}
  }
  // Svelte's language tools read element typings from this global namespace (Svelte 5 too).
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace svelteHTML {
    interface IntrinsicElements extends ToolgateElementProps {}
  }
}
