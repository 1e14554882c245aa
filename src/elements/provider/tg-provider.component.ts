import { LitElement } from 'lit';
import { parseProviderAttributes, type ProviderDeclaration } from './provider-config.js';
import { styles } from './tg-provider.styles.js';
import { pendingAttributes } from '../shared/pending-attributes.js';

/**
 * Declares the model provider of the enclosing `<tg-agent>`; it renders nothing. Without one (and
 * without the agent's `provider` property) the agent runs in manual mode: the person picks tools.
 *
 * Every property reflects to its attribute and `<tg-agent>` reads the attributes, so changing
 * one switches the provider (between turns).
 *
 * Keys: an `api-key` attribute is readable by every script of the page and shows in the DOM.
 * Prefer a local model without a key, a host-side proxy that adds the key, or the agent's
 * `provider` property with a key function. The key is never written to the audit log or a URL.
 *
 * @example
 * ```html
 * <tg-agent>
 *   <tg-provider kind="openai" base-url="http://localhost:11434/v1" model="qwen2.5"></tg-provider>
 *   <tg-server url="wss://tools.example/mcp"></tg-server>
 * </tg-agent>
 * ```
 */
export class TgProvider extends LitElement {
  static override styles = styles;

  static override properties = {
    kind: { type: String, reflect: true },
    baseUrl: { type: String, reflect: true, attribute: 'base-url' },
    model: { type: String, reflect: true },
    apiKey: { type: String, reflect: true, attribute: 'api-key' },
    label: { type: String, reflect: true },
  };

  /** `openai` (any OpenAI-compatible Chat Completions server; the default) or `anthropic`. */
  declare kind: 'openai' | 'anthropic' | undefined;
  /** e.g. `http://localhost:11434/v1` (Ollama). Required for `openai`. */
  declare baseUrl: string | undefined;
  /** The model name. Required. */
  declare model: string | undefined;
  /** Optional key (see the class doc before using it). */
  declare apiKey: string | undefined;
  /** The data-flow label (`local`, `vendor:<name>`, `host`); defaults by host name. */
  declare label: string | undefined;

  /** This element's configuration as `<tg-agent>` reads it (properties not reflected yet included). */
  get declaration(): ProviderDeclaration {
    return parseProviderAttributes(pendingAttributes(this));
  }
}
