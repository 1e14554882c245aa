/**
 * Typings for using the elements from frameworks, without depending on any of them:
 * `HTMLElementTagNameMap` (each element's `x.ts`), the global `JSX.IntrinsicElements` (React 18,
 * Preact) and Svelte's `svelteHTML`, here; React 19's `React.JSX` and Vue's `GlobalComponents`
 * need their packages' types, so they live in types/react.d.ts and types/vue.d.ts, opt-in.
 * Properties that take objects (`policy`, `provider`,
 * `servers`) are set as properties — React 19, Vue and Svelte do that for custom elements when
 * the element has the property; attributes are listed in their kebab-case form.
 */
import type { TgAgent } from './elements/agent/tg-agent.js';
import type { TgApproval } from './elements/approval/tg-approval.js';
import type { TgAuditLog } from './elements/audit-log/tg-audit-log.js';
import type { TgConnections } from './elements/connections/tg-connections.js';
import type { TgManualForm } from './elements/manual-form/tg-manual-form.js';
import type { TgProvider } from './elements/provider/tg-provider.js';
import type { TgServer } from './elements/server/tg-server.js';

/** What any element accepts in a template, besides its own properties. */
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

type Props<E, K extends keyof E> = CommonProps & Partial<Pick<E, K>>;

export interface TgAgentProps extends Props<TgAgent, 'servers' | 'provider' | 'policy' | 'roles' | 'tenant' | 'name' | 'system' | 'maxSteps' | 'noAudit' | 'allowedOrigins'> {
  'max-steps'?: number | string;
  'no-audit'?: boolean;
  'allowed-origins'?: string;
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

/** Tag → props, the one table every framework's typing below is built from. */
export interface ToolgateElementProps {
  'tg-agent': TgAgentProps;
  'tg-server': TgServerProps;
  'tg-provider': TgProviderProps;
  'tg-connections': TgConnectionsProps;
  'tg-approval': TgApprovalProps;
  'tg-audit-log': TgAuditLogProps;
  'tg-manual-form': TgManualFormProps;
}

declare global {
  // React 18 (its `React.JSX` extends the global one), Preact and other JSX runtimes that read the
  // global namespace. React 19 and Vue need the module augmentations in types/react.d.ts and types/vue.d.ts.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements extends ToolgateElementProps {}
  }
  // Svelte's language tools read element typings from this global namespace.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace svelteHTML {
    interface IntrinsicElements extends ToolgateElementProps {}
  }
}
