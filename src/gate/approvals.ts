/**
 * The queue of approvals waiting for an answer. The gate adds one when a call needs the person;
 * `<tg-approval>` renders each and answers it; a timeout denies. Plain TS, no DOM.
 *
 * The host decides first: before a request is shown, the injected `hostHook` runs (the element
 * wires it to the cancelable `tg-tool-request` event). The hook can
 * - return `'deny'` (the event's `preventDefault()`): denied at once, no card;
 * - call `respond(decision)` — or `respond(promise)` — while it runs: the host has taken the
 *   request (its own workflow, e.g. a ticket); no card is shown and the host's answer decides;
 * - do neither: the card is shown. A later `respond()` still counts; the first answer wins.
 */
import type { CallToolResult, JsonObject, Tool } from '../../workers/shared/wire.js';
import type { EffectiveAnnotations } from './decide.js';
import type { DiffLine, ToolFlag } from './pins.js';
import type { TaintFinding } from './taint.js';
import type { Proposer } from './tool-gate.js';

/** What the person is asked. Every string from the server is untrusted: render it as text only. */
export interface ApprovalRequest {
  /** Unique per approval. */
  id: string;
  /** `call`: may this call run? `result`: may the model see this result? */
  kind: 'call' | 'result';
  /** The gate's call id (correlates with the audit records of this call). */
  callId: string;
  toolId: string;
  server: { id: string; url: string; origin: string; trusted: boolean };
  /** The server's definition, untouched (untrusted). */
  tool: Tool;
  /** The tool name with invisible/non-ASCII characters escaped (`\u{…}`). */
  displayName: string;
  definitionHash: string;
  args: JsonObject;
  /** Hints with the spec's defaults; `stated` lists those the server claimed. */
  annotations: EffectiveAnnotations;
  /** Why the policy asked, readable by the person. */
  reason: string;
  rule?: string;
  /** Hidden-instruction markers found in the definition. */
  flags: ToolFlag[];
  /** When the definition changed since it was accepted: old → new, line by line. */
  diff?: DiffLine[];
  /**
   * Arguments carrying data from earlier results: which span of which argument, from which
   * server and tool, and whether it is a detected secret. Such a call always asks.
   */
  dataFlow?: TaintFinding[];
  proposer: Proposer;
  /** For `kind: 'result'`: the result awaiting review. */
  result?: CallToolResult;
  createdAt: number;
  /** When the request denies itself (epoch ms), if there is a timeout. */
  expiresAt?: number;
}

/** The person's answer. `always` pins the definition's hash (calls only). */
export type ApprovalAnswer = 'allow-once' | 'always' | 'deny';
export type HostDecision = 'allow' | 'deny';

export interface ApprovalVerdict {
  outcome: 'allow' | 'deny';
  /** `always`: the person chose to always allow this definition. */
  always: boolean;
  /** `unavailable`: the card could not be shown (its module failed to load). */
  by: 'person' | 'host' | 'timeout' | 'cancelled' | 'unavailable';
}

/** See the module doc. Returning `'deny'` denies at once. */
export type HostHook = (request: ApprovalRequest, respond: (decision: HostDecision | Promise<HostDecision>) => void) => 'deny' | void;

export interface ApprovalQueueOptions {
  /** Milliseconds before an unanswered request is denied. Default 5 minutes; `0` = never. */
  timeoutMs?: number;
  hostHook?: HostHook;
  now?: () => number;
}

/** Fired when the list of pending requests changes. */
export class ApprovalsChangeEvent extends Event {
  static readonly eventName = 'change' as const;
  constructor(readonly pending: readonly ApprovalRequest[]) {
    super(ApprovalsChangeEvent.eventName);
  }
}

interface Entry {
  request: ApprovalRequest;
  settle: (verdict: ApprovalVerdict) => void;
}

export const DEFAULT_APPROVAL_TIMEOUT_MS = 5 * 60_000;

export class ApprovalQueue extends EventTarget {
  readonly #entries = new Map<string, Entry>();
  readonly #shown: string[] = [];
  timeoutMs: number;
  hostHook: HostHook | undefined;
  readonly #now: () => number;

  constructor(options: ApprovalQueueOptions = {}) {
    super();
    this.timeoutMs = options.timeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS;
    this.hostHook = options.hostHook;
    this.#now = options.now ?? (() => Date.now());
  }

  /** Requests waiting for the person (shown as cards), oldest first. */
  get pending(): readonly ApprovalRequest[] {
    return this.#shown.map((id) => this.#entries.get(id)!.request);
  }

  /**
   * Asks: the host first, then the person. Resolves with the verdict; never rejects. Aborting
   * `signal` withdraws the request (`by: 'cancelled'`, outcome deny).
   */
  request(input: Omit<ApprovalRequest, 'id' | 'createdAt' | 'expiresAt'>, options: { signal?: AbortSignal } = {}): Promise<ApprovalVerdict> {
    const createdAt = this.#now();
    const request: ApprovalRequest = { ...input, id: crypto.randomUUID(), createdAt };
    if (this.timeoutMs > 0) request.expiresAt = createdAt + this.timeoutMs;
    return new Promise<ApprovalVerdict>((resolve) => {
      let done = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const onAbort = () => settle({ outcome: 'deny', always: false, by: 'cancelled' });
      const settle = (verdict: ApprovalVerdict) => {
        if (done) return;
        done = true;
        if (timer !== undefined) clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        this.#entries.delete(request.id);
        const at = this.#shown.indexOf(request.id);
        if (at >= 0) {
          this.#shown.splice(at, 1);
          this.#changed();
        }
        resolve(verdict);
      };
      if (options.signal?.aborted) return onAbort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.#entries.set(request.id, { request, settle });

      let claimed = false;
      const respond = (decision: HostDecision | Promise<HostDecision>) => {
        claimed = true;
        Promise.resolve(decision).then(
          (d) => settle({ outcome: d === 'allow' ? 'allow' : 'deny', always: false, by: 'host' }),
          () => settle({ outcome: 'deny', always: false, by: 'host' }),
        );
      };
      let hostSaid: 'deny' | void = undefined;
      try {
        hostSaid = this.hostHook?.(Object.freeze({ ...request }), respond);
      } catch {
        hostSaid = 'deny'; // a broken host handler must not open the gate
      }
      if (hostSaid === 'deny') return settle({ outcome: 'deny', always: false, by: 'host' });
      if (this.timeoutMs > 0) timer = setTimeout(() => settle({ outcome: 'deny', always: false, by: 'timeout' }), this.timeoutMs);
      if (claimed || done) return;
      this.#shown.push(request.id);
      this.#changed();
    });
  }

  /** The person's answer to a shown request. Returns false when it is no longer pending. */
  answer(id: string, answer: ApprovalAnswer): boolean {
    const entry = this.#entries.get(id);
    if (!entry || !this.#shown.includes(id)) return false;
    const always = answer === 'always' && entry.request.kind === 'call';
    entry.settle({ outcome: answer === 'deny' ? 'deny' : 'allow', always, by: 'person' });
    return true;
  }

  /** A shown request whose card cannot be shown (its module failed to load): denied, never left waiting. */
  unavailable(id: string): boolean {
    const entry = this.#entries.get(id);
    if (!entry || !this.#shown.includes(id)) return false;
    entry.settle({ outcome: 'deny', always: false, by: 'unavailable' });
    return true;
  }

  /** Denies every pending request (the element is going away). */
  denyAll(): void {
    for (const entry of [...this.#entries.values()]) entry.settle({ outcome: 'deny', always: false, by: 'cancelled' });
  }

  #changed(): void {
    this.dispatchEvent(new ApprovalsChangeEvent(this.pending));
  }
}
