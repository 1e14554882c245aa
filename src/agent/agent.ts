/**
 * The agent loop: the person writes, the model answers and proposes tool calls, the gate decides
 * and runs them, the results go back, until the model is done. Plain TypeScript, no DOM, no
 * Worker: the gate and the provider are injected, and tools are reached through the gate only.
 *
 * Every call the agent knows of — the model's, the person's (`runTool`, `call`), an app view's
 * (`call`) — runs through the same path: a `tool-call` entry in the conversation, `tool-call`
 * events, then `gate.call()`. So the conversation shows every call, whoever proposed it.
 *
 * A turn never rejects and never hangs: every way it can end (done, stopped, a provider error,
 * the step limit) leaves an entry in the conversation and a `turn-end` event.
 */
import type { GatedTool, Proposer, ToolCallOutcome, ToolGate } from '../gate/tool-gate.js';
import { DEFAULT_TOOL_RESULT_LIMIT } from '../llm/content.js';
import { TgError, ErrorCode, errorCode, invalidArgument } from '../../workers/shared/errors.js';
import { ManualProvider, isManualProvider } from '../llm/manual-provider.js';
import type { LlmProvider, LlmRequest, LlmToolCall, LlmToolChoice, LlmToolSpec, LlmUsage } from '../llm/types.js';
import type { JsonObject, Progress } from '../../workers/shared/wire.js';
import { toLlmMessages, type AssistantEntry, type ContextItem, type ConversationEntry, type ErrorEntry, type ToolCallEntry, type UserEntry } from './conversation.js';
import { Emitter } from './emitter.js';

export type TurnEndReason = 'done' | 'stopped' | 'error' | 'max-steps';

/** The agent's events; `<tg-agent>` re-dispatches them as `tg-turn-start`, `tg-message`, … */
export interface AgentEventMap {
  'turn-start': { turnId: string; kind: 'model' | 'manual'; text?: string };
  /** A user message, or an assistant message as it streams (`delta`) and when it is complete. */
  message: { turnId: string; entry: UserEntry | AssistantEntry; delta?: string };
  /** A tool call started, reported progress, or ended (`entry.outcome` is then set). */
  'tool-call': { turnId: string; entry: ToolCallEntry; phase: 'start' | 'progress' | 'end' };
  'turn-end': { turnId: string; reason: TurnEndReason; steps: number; usage?: LlmUsage; error?: { code: string; message: string } };
  /** A coded error entry was added to the conversation. */
  error: { turnId: string; entry: ErrorEntry };
}

export interface TurnSummary {
  turnId: string;
  reason: TurnEndReason;
  steps: number;
  usage?: LlmUsage;
  error?: { code: string; message: string };
}

export interface AgentOptions {
  gate: ToolGate;
  /** A model provider, or `new ManualProvider()` (the default) when the person picks tools. */
  provider?: LlmProvider | ManualProvider;
  system?: string;
  /** Model requests per turn at most. Default 8. */
  maxSteps?: number;
  /** Characters of one tool result sent to the model. Default `DEFAULT_TOOL_RESULT_LIMIT` (20 000). */
  toolResultLimit?: number;
  toolChoice?: LlmToolChoice;
  maxTokens?: number;
  /** Id generator (tests); default `crypto.randomUUID`. */
  newId?: () => string;
}

export interface SendOptions {
  /** Server content for this turn, before the text: attached resources, a prompt's messages. */
  context?: readonly Omit<ContextItem, 'forModel' | 'withheld' | 'withheldBy'>[];
}

/** One call that is not the model's: see `Agent.call`. */
export interface AgentCallRequest {
  /** The gate's tool id (`GatedTool.id`, e.g. `notes__search_notes`). */
  toolId: string;
  args: JsonObject;
  /** Who proposes it. Default the person; an MCP App view is `{ kind: 'app', serverId, tool, resourceUri }`. */
  proposer?: Exclude<Proposer, { kind: 'llm' }>;
  /** Aborting cancels the call (before approval, or the server is told). */
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

const DEFAULT_MAX_STEPS = 8;

function addUsage(total: LlmUsage | undefined, more: LlmUsage): LlmUsage {
  const sum: LlmUsage = { ...total };
  for (const key of ['inputTokens', 'outputTokens', 'cacheReadTokens', 'cacheWriteTokens'] as const) {
    const v = more[key];
    if (typeof v === 'number') sum[key] = (sum[key] ?? 0) + v;
  }
  return sum;
}

function toCoded(err: unknown): { code: string; message: string; data?: unknown } {
  const code = errorCode(err);
  const message = err instanceof Error ? err.message : String(err);
  if (code === undefined) return { code: ErrorCode.AGENT_INTERNAL, message };
  const data = (err as { data?: unknown }).data;
  return data === undefined ? { code, message } : { code, message, data };
}

export class Agent {
  readonly #gate: ToolGate;
  #provider: LlmProvider | ManualProvider;
  readonly #options: AgentOptions;
  readonly #events = new Emitter<AgentEventMap>();
  readonly #entries: ConversationEntry[] = [];
  readonly #newId: () => string;
  #controller: AbortController | undefined;
  /** Calls made with `call()` (outside turns) that are still running; `stop()` aborts them too. */
  readonly #outside = new Set<AbortController>();
  #usage: LlmUsage | undefined;
  /** The gate remembers taint per conversation: a new id when the conversation is cleared. */
  #conversationId: string;

  constructor(options: AgentOptions) {
    if (!options?.gate || typeof options.gate.call !== 'function') {
      throw invalidArgument('options.gate', 'a ToolGate');
    }
    this.#gate = options.gate;
    this.#options = { ...options };
    this.#provider = options.provider ?? new ManualProvider();
    this.#newId = options.newId ?? (() => crypto.randomUUID());
    this.#conversationId = crypto.randomUUID();
  }

  /** The conversation so far (live entries; do not mutate). */
  get entries(): readonly ConversationEntry[] {
    return this.#entries;
  }

  get busy(): boolean {
    return this.#controller !== undefined;
  }

  get provider(): LlmProvider | ManualProvider {
    return this.#provider;
  }

  /** Switches provider between turns (e.g. the person configures a model). */
  set provider(provider: LlmProvider | ManualProvider) {
    this.#provider = provider;
  }

  get manual(): boolean {
    return isManualProvider(this.#provider);
  }

  /** Tokens used over the whole conversation, when the provider reported them. */
  get usage(): LlmUsage | undefined {
    return this.#usage && { ...this.#usage };
  }

  /** The tools the current proposer may see (namespaced by the gate). */
  tools(): GatedTool[] {
    return this.#gate.tools(this.#proposer());
  }

  /** Whether a server's attached content would reach the current model at all (the composer says so before sending). */
  contentReachesModel(serverId: string): boolean {
    return this.#gate.contentReaches(serverId, this.#proposer());
  }

  on<K extends keyof AgentEventMap>(type: K, listener: (detail: AgentEventMap[K]) => void): () => void {
    return this.#events.on(type, listener);
  }

  off<K extends keyof AgentEventMap>(type: K, listener: (detail: AgentEventMap[K]) => void): void {
    this.#events.off(type, listener);
  }

  /**
   * Stops the running turn: aborts the model stream and every in-flight tool call, the turn's and
   * those made with `call()` (their MCP cancellation reaches the servers). The turn ends with a
   * `TG_STOPPED` entry.
   */
  stop(reason = 'Stopped by the person'): void {
    const error = new TgError(ErrorCode.STOPPED, reason);
    this.#controller?.abort(error);
    for (const controller of this.#outside) controller.abort(error);
  }

  /** Forgets the conversation (not while a turn runs). */
  clear(): void {
    if (this.busy) throw new TgError(ErrorCode.AGENT_BUSY, 'A turn is running; stop it first');
    this.#entries.length = 0;
    this.#usage = undefined;
    this.#conversationId = crypto.randomUUID();
  }

  /**
   * Sends the person's text and runs the turn to its end. Never rejects: a failure is a coded
   * error entry and `reason: 'error'`. In manual mode the text is kept and `TG_NO_MODEL` reported.
   *
   * `options.context`: resources the person attached and a prompt's messages, each labelled by
   * its server; the gate decides what of each this turn's model may see (`contentForModel`).
   */
  async send(text: string, options: SendOptions = {}): Promise<TurnSummary> {
    if (typeof text !== 'string') throw invalidArgument('text', 'a string');
    if (!Array.isArray(options.context ?? [])) throw invalidArgument('options.context', 'an array');
    if (this.busy) return this.#busySummary();
    const turnId = this.#newId();
    const controller = (this.#controller = new AbortController());
    this.#events.emit('turn-start', { turnId, kind: 'model', text });
    const user: UserEntry = { kind: 'user', id: this.#newId(), turnId, text };
    const proposer = this.#proposer();
    const context = (options.context ?? []).map((item): ContextItem => ({
      ...item,
      ...this.#gate.contentForModel(item.server.id, item.content, proposer, { conversationId: this.#conversationId, source: `${item.kind} ${item.name}` }),
    }));
    if (context.length > 0) user.context = context;
    this.#entries.push(user);
    this.#events.emit('message', { turnId, entry: { ...user } });
    let summary: TurnSummary;
    try {
      summary = await this.#runModelTurn(turnId, controller.signal);
    } catch (err) {
      // Only a bug gets here; it still ends the turn with a coded entry.
      summary = this.#fail(turnId, toCoded(err), 0, undefined);
    } finally {
      this.#controller = undefined;
    }
    this.#events.emit('turn-end', summary);
    return summary;
  }

  /**
   * Runs one tool the person picked (manual mode, or alongside a model), through the gate with
   * proposer `{ kind: 'person' }`. A turn of its own; `stop()` cancels it. Never rejects.
   */
  async runTool(toolId: string, args: JsonObject): Promise<ToolCallOutcome> {
    if (this.busy) {
      const message = 'A turn is running; stop it first';
      return { status: 'refused', error: { code: ErrorCode.AGENT_BUSY, message }, forModel: [{ type: 'text', text: message }] };
    }
    const turnId = this.#newId();
    const controller = (this.#controller = new AbortController());
    this.#events.emit('turn-start', { turnId, kind: 'manual' });
    let outcome: ToolCallOutcome;
    let summary: TurnSummary;
    try {
      const call: LlmToolCall = { id: this.#newId(), name: toolId, args };
      outcome = await this.#runCall(turnId, call, { kind: 'person' }, controller.signal);
      summary = controller.signal.aborted ? this.#stopped(turnId, 0, undefined) : { turnId, reason: 'done', steps: 0 };
    } catch (err) {
      const coded = toCoded(err);
      outcome = { status: 'failed', error: { code: coded.code, message: coded.message }, forModel: [{ type: 'text', text: coded.message }] };
      summary = this.#fail(turnId, coded, 0, undefined);
    } finally {
      this.#controller = undefined;
    }
    this.#events.emit('turn-end', summary);
    return outcome;
  }

  /**
   * The entry for a call that is not the model's: the person's from a server card's panel, an MCP
   * App view's. It runs through the gate (policy, approval, audit) like every call and shows in
   * the conversation (`tool-call` entry and events), but it is not a turn: it may run while one
   * does, and it does not end one. `stop()` cancels it too. Never rejects: a refusal or failure
   * is the outcome.
   */
  async call(request: AgentCallRequest): Promise<ToolCallOutcome> {
    if (typeof request?.toolId !== 'string' || request.toolId === '') throw invalidArgument('request.toolId', 'a non-empty string');
    if (typeof request.args !== 'object' || request.args === null || Array.isArray(request.args)) throw invalidArgument('request.args', 'a JSON object');
    const controller = new AbortController();
    const onAbort = () => controller.abort(request.signal?.reason);
    if (request.signal?.aborted) onAbort();
    else request.signal?.addEventListener('abort', onAbort, { once: true });
    this.#outside.add(controller);
    try {
      const call: LlmToolCall = { id: this.#newId(), name: request.toolId, args: request.args };
      return await this.#runCall(this.#newId(), call, request.proposer ?? { kind: 'person' }, controller.signal, undefined, request.onProgress);
    } finally {
      this.#outside.delete(controller);
      request.signal?.removeEventListener('abort', onAbort);
    }
  }

  #proposer(): Proposer {
    return isManualProvider(this.#provider) ? { kind: 'person' } : { kind: 'llm', providerLabel: this.#provider.label };
  }

  #busySummary(): TurnSummary {
    const error = { code: ErrorCode.AGENT_BUSY, message: 'A turn is running; stop it or wait for it to end' };
    return { turnId: '', reason: 'error', steps: 0, error };
  }

  async #runModelTurn(turnId: string, signal: AbortSignal): Promise<TurnSummary> {
    const provider = this.#provider;
    if (isManualProvider(provider)) {
      return this.#fail(turnId, { code: ErrorCode.NO_MODEL, message: 'No model is configured: pick a tool and fill in its form.' }, 0, undefined);
    }
    const proposer: Proposer = { kind: 'llm', providerLabel: provider.label };
    const maxSteps = Math.max(1, this.#options.maxSteps ?? DEFAULT_MAX_STEPS);
    let usage: LlmUsage | undefined;
    for (let step = 1; ; step++) {
      if (signal.aborted) return this.#stopped(turnId, step - 1, usage);
      if (step > maxSteps) {
        return this.#fail(
          turnId,
          { code: ErrorCode.MAX_STEPS, message: `The model still wanted tools after ${maxSteps} steps; the turn was ended.`, data: { maxSteps } },
          maxSteps,
          usage,
          'max-steps',
        );
      }
      const tools = this.#gate.tools(proposer);
      const request = this.#request(tools);
      const assistant: AssistantEntry = { kind: 'assistant', id: this.#newId(), turnId, step, text: '', toolCalls: [], status: 'streaming' };
      this.#entries.push(assistant);
      const pending: LlmToolCall[] = [];
      const invalid = new Map<string, string>();
      let sawDone = false;
      try {
        for await (const event of provider.stream(request, signal)) {
          if (signal.aborted) break;
          switch (event.type) {
            case 'text':
              assistant.text += event.delta;
              this.#events.emit('message', { turnId, entry: { ...assistant }, delta: event.delta });
              break;
            case 'tool-call':
              pending.push({ id: event.id, name: event.name, args: event.args ?? {} });
              if (!event.args) invalid.set(event.id, event.invalid ?? 'the arguments are not a JSON object');
              break;
            case 'usage':
              assistant.usage = addUsage(assistant.usage, event.usage);
              break;
            case 'done':
              sawDone = true;
              assistant.stopReason = event.stopReason;
              break;
          }
        }
        if (!signal.aborted && !sawDone) throw new TgError(ErrorCode.LLM_STREAM_BROKEN, 'The model stream ended without finishing');
      } catch (err) {
        assistant.status = signal.aborted ? 'stopped' : 'failed';
        // An answer that never got a word out is no message at all: only the error entry remains.
        if (assistant.text === '') this.#entries.splice(this.#entries.indexOf(assistant), 1);
        else this.#events.emit('message', { turnId, entry: { ...assistant } });
        if (assistant.usage) usage = this.#countUsage(usage, assistant.usage);
        if (signal.aborted) return this.#stopped(turnId, step, usage);
        return this.#fail(turnId, toCoded(err), step, usage);
      }
      if (assistant.usage) usage = this.#countUsage(usage, assistant.usage);
      if (signal.aborted) {
        assistant.status = 'stopped';
        if (assistant.text === '') this.#entries.splice(this.#entries.indexOf(assistant), 1);
        else this.#events.emit('message', { turnId, entry: { ...assistant } });
        return this.#stopped(turnId, step, usage);
      }
      assistant.toolCalls = pending;
      assistant.status = 'done';
      this.#events.emit('message', { turnId, entry: { ...assistant, toolCalls: [...pending] } });
      if (pending.length === 0) return { turnId, reason: 'done', steps: step, ...(usage && { usage }) };
      // Several calls in one answer run in parallel, each through the gate.
      await Promise.all(pending.map((call) => this.#runCall(turnId, call, proposer, signal, invalid.get(call.id))));
      if (signal.aborted) return this.#stopped(turnId, step, usage);
    }
  }

  #request(tools: GatedTool[]): LlmRequest {
    const o = this.#options;
    // The gate's model view (hidden characters removed, texts capped), never the raw definition.
    const specs: LlmToolSpec[] = tools.map((t) => {
      const view = t.forModel ?? { description: t.tool.description ?? t.tool.title, inputSchema: t.tool.inputSchema };
      return { name: t.id, ...(view.description !== undefined && { description: view.description }), inputSchema: view.inputSchema };
    });
    const limit = o.toolResultLimit ?? DEFAULT_TOOL_RESULT_LIMIT;
    return {
      messages: toLlmMessages(this.#entries),
      tools: specs,
      toolResultLimit: limit,
      ...(o.system !== undefined && { system: o.system }),
      ...(o.toolChoice !== undefined && { toolChoice: o.toolChoice }),
      ...(o.maxTokens !== undefined && { maxTokens: o.maxTokens }),
    };
  }

  async #runCall(
    turnId: string,
    call: LlmToolCall,
    proposer: Proposer,
    signal: AbortSignal,
    invalidArgs?: string,
    onProgress?: (progress: Progress) => void,
  ): Promise<ToolCallOutcome> {
    const entry: ToolCallEntry = {
      kind: 'tool-call',
      id: this.#newId(),
      turnId,
      callId: call.id,
      toolId: call.name,
      args: call.args,
      proposer,
      status: 'running',
    };
    this.#entries.push(entry);
    this.#events.emit('tool-call', { turnId, entry: { ...entry }, phase: 'start' });
    let outcome: ToolCallOutcome;
    if (invalidArgs !== undefined) {
      // Not sent to the gate: there are no arguments to decide on. The model gets to try again.
      const message = `The call was not run: ${invalidArgs}. Send the arguments as one JSON object.`;
      outcome = { status: 'failed', error: { code: ErrorCode.BAD_TOOL_ARGUMENTS, message }, forModel: [{ type: 'text', text: message }] };
    } else {
      try {
        outcome = await this.#gate.call({
          toolId: call.name,
          args: call.args,
          proposer,
          conversationId: this.#conversationId,
          signal,
          onProgress: (progress: Progress) => {
            entry.progress = progress;
            this.#events.emit('tool-call', { turnId, entry: { ...entry }, phase: 'progress' });
            try {
              onProgress?.(progress);
            } catch {
              /* the caller's listener; the call goes on */
            }
          },
        });
      } catch (err) {
        // The gate promises never to reject; if one does, the call still gets an outcome.
        const coded = toCoded(err);
        outcome = { status: 'failed', error: { code: coded.code, message: coded.message }, forModel: [{ type: 'text', text: `The call failed: ${coded.message}` }] };
      }
    }
    entry.outcome = outcome;
    entry.status = outcome.status;
    this.#events.emit('tool-call', { turnId, entry: { ...entry }, phase: 'end' });
    return outcome;
  }

  #countUsage(turn: LlmUsage | undefined, step: LlmUsage): LlmUsage {
    this.#usage = addUsage(this.#usage, step);
    return addUsage(turn, step);
  }

  #stopped(turnId: string, steps: number, usage: LlmUsage | undefined): TurnSummary {
    const reason = this.#controller?.signal.reason;
    const message = reason instanceof Error && errorCode(reason) === ErrorCode.STOPPED ? reason.message : 'Stopped';
    return this.#fail(turnId, { code: ErrorCode.STOPPED, message }, steps, usage, 'stopped');
  }

  #fail(
    turnId: string,
    error: { code: string; message: string; data?: unknown },
    steps: number,
    usage: LlmUsage | undefined,
    reason: TurnEndReason = 'error',
  ): TurnSummary {
    const entry: ErrorEntry = { kind: 'error', id: this.#newId(), turnId, code: error.code, message: error.message };
    if (error.data !== undefined) entry.data = error.data;
    this.#entries.push(entry);
    this.#events.emit('error', { turnId, entry: { ...entry } });
    return { turnId, reason, steps, error: { code: error.code, message: error.message }, ...(usage && { usage }) };
  }
}

