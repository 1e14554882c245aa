/**
 * The one door between whoever proposes a tool call and MCP tools. The agent loop (src/agent/)
 * sees tools and calls them only through a `ToolGate`; the gate (src/gate/) decides visibility,
 * policy, approval, rate limits and data flow, audits, and only then reaches a connection. Every
 * proposer enters here — the model, the person (manual form, server panel), an MCP App view — so
 * each is named by a `Proposer`, which policy rules (`proposers`) and the audit log see.
 */
import type { CallToolResult, ContentBlock, JsonObject, Progress, Tool } from '../../workers/shared/wire.js';
import type { ModelTool } from './model-text.js';
import type { ToolFlag } from './pins.js';

/** A tool as the agent and its LLM see it: namespaced per connection so servers never collide. */
export interface GatedTool {
  /** Unique across connections and safe as an LLM function name: `^[a-zA-Z0-9_-]{1,64}$`. */
  id: string;
  /** The server this tool belongs to: its stable id (policy rules, roles and tool ids use it). */
  serverId: string;
  serverUrl: string;
  /**
   * Set when `serverId` was first given to another URL (this one): rules, role grants and
   * "Always allow" written for the id are not applied here, so every call asks.
   */
  reboundFrom?: string;
  /** The server's definition, untouched (untrusted text). */
  tool: Tool;
  /** SHA-256 (hex) of the canonical JSON of the pinned fields of `tool`. */
  definitionHash: string;
  /** The name with invisible/non-ASCII characters escaped (`\u{…}`), for display. */
  displayName?: string;
  /** Hidden-instruction markers found in the definition (show them to the person). */
  flags?: ToolFlag[];
  /**
   * The definition changed since it was accepted: quarantined until the person re-approves it.
   * Only a person's `tools()` lists such a tool; an LLM never sees the changed definition.
   */
  quarantined?: boolean;
  /**
   * What a model may be offered of this tool: description and schema with hidden characters
   * removed and texts capped (model-text.ts). Send this to a model, never `tool` itself.
   */
  forModel?: ModelTool;
}

/**
 * Who proposed a call:
 * - `llm`: a model, with its provider's data-flow label;
 * - `person`: the person (the manual form, a server card's panel);
 * - `app`: an MCP App view — the view of `tool` on server `serverId` (`resourceUri` is its `ui://`
 *   URI): untrusted content acting in the page;
 * - `webmcp`: an agent outside Toolgate — a browser's own agent — calling a tool Toolgate
 *   published on `document.modelContext` (WebMCP). It has no data-flow label of ours, so it
 *   receives only output every provider may have.
 *
 * A view may call only tools of its own server whose `_meta.ui.visibility` includes `app`; a
 * model or the person only tools whose visibility includes `model` (src/apps/visibility.ts).
 */
export type Proposer =
  | { kind: 'llm'; providerLabel: string }
  | { kind: 'person' }
  | { kind: 'app'; serverId: string; tool: string; resourceUri: string }
  | { kind: 'webmcp' };

/**
 * The proposer as policy rules' `proposers` patterns name it — `person`, `webmcp`, `app:<server
 * id>`, or the provider's label (`local`, `vendor:openai`, …) — and, with `forAudit`, as the audit
 * log does: `llm:<label>`, `app:<server id>/<tool>`.
 */
export function proposerName(proposer: Proposer, forAudit = false): string {
  switch (proposer.kind) {
    case 'person':
    case 'webmcp':
      return proposer.kind;
    case 'app':
      return forAudit ? `app:${proposer.serverId}/${proposer.tool}` : `app:${proposer.serverId}`;
    case 'llm':
      return forAudit ? `llm:${proposer.providerLabel}` : proposer.providerLabel;
  }
}

export interface ToolCallRequest {
  toolId: string;
  args: JsonObject;
  proposer: Proposer;
  /**
   * The conversation the call belongs to: the gate remembers per conversation which data came
   * from which server's results (taint). Default `'default'`.
   */
  conversationId?: string;
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

/**
 * How a gated call ended.
 * - `ok` / `tool-error`: the server answered (`isError` for the latter);
 * - `refused`: the gate said no (denied, not visible, rate-limited, quarantined, storage failure);
 * - `failed`: the call broke (timeout, connection closed, protocol error);
 * - `cancelled`: the caller aborted it.
 * `forModel` is what an LLM may see: filtered by audience and data-flow rules, redacted, or a
 * short notice when withheld. `structuredForModel` is the result's `structuredContent` as the LLM
 * may see it (redacted; absent when anything was withheld — never send `result.structuredContent`
 * to a model). `result` is the full answer, for the person only.
 */
export type ToolCallOutcome =
  | { status: 'ok' | 'tool-error'; result: CallToolResult; forModel: ContentBlock[]; structuredForModel?: unknown; withheld: boolean }
  | { status: 'refused' | 'failed' | 'cancelled'; error: { code: string; message: string }; forModel: ContentBlock[] };

export interface ContentForModelOptions {
  /** The conversation it goes into (taint tracking). Default `default`. */
  conversationId?: string;
  /** What it is, in taint findings: `resource <uri>`, `prompt <name>`. */
  source?: string;
}

/** What a model may see of server content that is not a result, and why anything was held back. */
export interface ContentView {
  forModel: ContentBlock[];
  withheld: boolean;
  /** `data-flow`: the server's labels keep all of it from this provider; `audience`: parts were for the person only. */
  withheldBy?: 'data-flow' | 'audience';
}

export interface ToolGate {
  /** Tools visible to this proposer under the policy (roles, quarantine), namespaced. */
  tools(proposer: Proposer): GatedTool[];
  /** Decides, audits, calls and filters. Never rejects: every ending is an outcome. */
  call(request: ToolCallRequest): Promise<ToolCallOutcome>;
  /**
   * What a proposer's model may see of server content that is not a tool result — a resource the
   * person attached, a prompt's messages — under the same rules as that server's results: its
   * data-flow labels, the audience annotations, redaction and the model-text sanitiser. An unknown
   * server's content is withheld. What the model may see is remembered for taint tracking in
   * `options.conversationId`, under `options.source` (e.g. `resource notes://index`).
   */
  contentForModel(serverId: string, content: readonly ContentBlock[], proposer: Proposer, options?: ContentForModelOptions): ContentView;
  /** Whether anything of a server's content may reach this proposer's model: false means `contentForModel` withholds it all. */
  contentReaches(serverId: string, proposer: Proposer): boolean;
}
