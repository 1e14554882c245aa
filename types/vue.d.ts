/**
 * Toolgate's elements in Vue templates (`GlobalComponents`, read by Vue's language tools). Opt-in
 * because it needs Vue's types: add `import type {} from 'toolgate/types/vue';` once. Also tell
 * Vue's compiler that `tg-*` tags are custom elements:
 * `compilerOptions.isCustomElement = (tag) => tag.startsWith('tg-')`.
 */
import type {
  TgAgentProps,
  TgApprovalProps,
  TgAuditLogProps,
  TgConnectionsProps,
  TgManualFormProps,
  TgProviderProps,
  TgServerProps,
} from '../dist/types/src/index.js';

/** Volar type-checks a template's attributes against `$props`. */
type VueElement<P> = new () => { $props: P };

declare module 'vue' {
  interface GlobalComponents {
    'tg-agent': VueElement<TgAgentProps>;
    'tg-server': VueElement<TgServerProps>;
    'tg-provider': VueElement<TgProviderProps>;
    'tg-connections': VueElement<TgConnectionsProps>;
    'tg-approval': VueElement<TgApprovalProps>;
    'tg-audit-log': VueElement<TgAuditLogProps>;
    'tg-manual-form': VueElement<TgManualFormProps>;
  }
}
