/**
 * What the person is about to send besides their text: resources they attached (from the picker,
 * or a `resource_link` in a result) and the messages of a prompt they ran with `/`. Each item is
 * read from its server here, bounded in size, and labelled with the server it came from, so the
 * gate's data-flow rules decide what of it a model may see (`Agent.send(text, { context })`).
 *
 * An attached resource on a server that offers subscriptions is subscribed to while it waits in
 * the composer: when the server says it changed, it is read again and marked `updated`. `take()`
 * hands the items over for the turn and ends the subscriptions. Fires `change`. No DOM.
 */
import type { ContextItem } from '../agent/conversation.js';
import { ErrorCode, TgError, errorCode } from '../../workers/shared/errors.js';
import type { ContentBlock, GetPromptResult, ReadResourceResult } from '../../workers/shared/wire.js';
import type { ContextServer } from './context-server.js';

export type ContextSource = Omit<ContextItem, 'forModel' | 'withheld' | 'withheldBy'>;

export interface PendingContext {
  /** Stable while it waits. */
  readonly key: string;
  readonly kind: 'resource' | 'prompt';
  readonly server: ContextServer;
  /** URI, or the prompt's name. */
  readonly name: string;
  readonly title?: string;
  readonly state: 'loading' | 'ready' | 'failed';
  /** Resource contents, or the prompt's messages (with their roles), once read. */
  readonly messages: readonly { role: 'user' | 'assistant'; content: ContentBlock[] }[];
  /** Characters of text and base64 it holds (what counts against the bounds). */
  readonly size: number;
  readonly error?: { code?: string; message: string };
  /** The server reported a change since it was attached, and it was read again. */
  readonly updated: boolean;
}

export interface ComposerContextOptions {
  /** Most items waiting at once. Default 8. */
  maxItems?: number;
  /** Largest item, in characters of text and base64. Default 1 MiB. */
  maxItemSize?: number;
  /** All items together. Default 4 MiB. */
  maxTotalSize?: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface Entry extends Mutable<PendingContext> {
  /** Bumped on every read, so a late answer of an older read is ignored. */
  generation: number;
  unsubscribe?: () => void;
}

const sizeOf = (blocks: readonly ContentBlock[]) =>
  blocks.reduce((n, b) => {
    switch (b.type) {
      case 'text':
        return n + b.text.length;
      case 'image':
      case 'audio':
        return n + b.data.length;
      case 'resource':
        return n + ('text' in b.resource ? b.resource.text.length : b.resource.blob.length);
      default:
        return n + JSON.stringify(b).length;
    }
  }, 0);

/** A resource's contents as content blocks (embedded resources). */
export function resourceBlocks(result: ReadResourceResult): ContentBlock[] {
  return result.contents.map((c) => ({ type: 'resource', resource: { ...c } }));
}

/** A prompt's messages as `role` + content blocks. */
export function promptMessages(result: GetPromptResult): { role: 'user' | 'assistant'; content: ContentBlock[] }[] {
  return result.messages.map((m) => ({ role: m.role, content: [m.content] }));
}

let counter = 0;

export class ComposerContext extends EventTarget {
  readonly #entries: Entry[] = [];
  readonly #maxItems: number;
  readonly #maxItemSize: number;
  readonly #maxTotalSize: number;

  constructor(options: ComposerContextOptions = {}) {
    super();
    this.#maxItems = options.maxItems ?? 8;
    this.#maxItemSize = options.maxItemSize ?? 1024 * 1024;
    this.#maxTotalSize = options.maxTotalSize ?? 4 * 1024 * 1024;
  }

  /** The items waiting, in the order they were added (fresh snapshots after every change). */
  get items(): readonly PendingContext[] {
    return this.#entries.map(({ generation: _g, unsubscribe: _u, ...item }) => ({ ...item }));
  }

  /** Whether every item is read and none failed, so the turn can go. */
  get ready(): boolean {
    return this.#entries.every((e) => e.state === 'ready');
  }

  /**
   * Attaches a resource: reads it (bounded), and follows its changes while it waits when the
   * server offers subscriptions. Resolves when it is read (or failed); never rejects.
   */
  async attachResource(server: ContextServer, uri: string, meta: { title?: string } = {}): Promise<PendingContext> {
    const existing = this.#entries.find((e) => e.kind === 'resource' && e.server.id === server.id && e.name === uri);
    if (existing) return { ...existing };
    const entry = this.#add({ kind: 'resource', server, name: uri, ...(meta.title !== undefined && { title: meta.title }) });
    if (entry.state === 'failed') return { ...entry };
    await this.#read(entry, async () => [{ role: 'user', content: resourceBlocks(await server.connection.readResource(uri)) }]);
    if (entry.state === 'ready' && server.offers.subscribe) await this.#follow(entry);
    return { ...entry };
  }

  /** Runs a prompt (`prompts/get`) and adds its messages. Resolves when they are in (or failed); never rejects. */
  async addPrompt(server: ContextServer, name: string, args: Record<string, string>, meta: { title?: string } = {}): Promise<PendingContext> {
    const entry = this.#add({ kind: 'prompt', server, name, ...(meta.title !== undefined && { title: meta.title }) });
    if (entry.state === 'failed') return { ...entry };
    await this.#read(entry, async () => promptMessages(await server.connection.getPrompt(name, args)));
    return { ...entry };
  }

  remove(key: string): void {
    const index = this.#entries.findIndex((e) => e.key === key);
    if (index < 0) return;
    const [entry] = this.#entries.splice(index, 1);
    entry!.generation++;
    entry!.unsubscribe?.();
    this.#changed();
  }

  /** Hands the ready items over for the turn (as the agent takes them) and empties the composer. */
  take(): ContextSource[] {
    const out: ContextSource[] = [];
    for (const e of this.#entries) {
      if (e.state !== 'ready') continue;
      for (const m of e.messages) {
        out.push({ kind: e.kind, server: { id: e.server.id, url: e.server.url }, name: e.name, ...(e.title !== undefined && { title: e.title }), role: m.role, content: m.content });
      }
    }
    this.clear();
    return out;
  }

  clear(): void {
    for (const e of this.#entries.splice(0)) {
      e.generation++;
      e.unsubscribe?.();
    }
    this.#changed();
  }

  #add(init: Pick<PendingContext, 'kind' | 'server' | 'name' | 'title'>): Entry {
    const entry: Entry = { key: `ctx-${++counter}`, ...init, state: 'loading', messages: [], size: 0, updated: false, generation: 0 };
    if (this.#entries.length >= this.#maxItems) {
      entry.state = 'failed';
      entry.error = { code: ErrorCode.CONTEXT_TOO_LARGE, message: `At most ${this.#maxItems} attachments per message; remove one first.` };
      this.#changed();
      return entry;
    }
    this.#entries.push(entry);
    this.#changed();
    return entry;
  }

  async #read(entry: Entry, read: () => Promise<{ role: 'user' | 'assistant'; content: ContentBlock[] }[]>): Promise<void> {
    const generation = ++entry.generation;
    try {
      const messages = await read();
      if (entry.generation !== generation) return;
      const size = messages.reduce((n, m) => n + sizeOf(m.content), 0);
      const others = this.#entries.reduce((n, e) => (e === entry ? n : n + e.size), 0);
      if (size > this.#maxItemSize) throw new TgError(ErrorCode.CONTEXT_TOO_LARGE, `${entry.name} is too large to attach (${size} characters; at most ${this.#maxItemSize}).`, { data: { limit: this.#maxItemSize, size } });
      if (others + size > this.#maxTotalSize) throw new TgError(ErrorCode.CONTEXT_TOO_LARGE, `The attachments would exceed ${this.#maxTotalSize} characters; remove one first.`, { data: { limit: this.#maxTotalSize, size } });
      entry.messages = messages;
      entry.size = size;
      entry.state = 'ready';
      delete entry.error;
    } catch (err) {
      if (entry.generation !== generation) return;
      const code = errorCode(err);
      entry.state = 'failed';
      entry.messages = [];
      entry.size = 0;
      entry.error = { ...(code !== undefined && { code }), message: err instanceof Error ? err.message : String(err) };
    }
    this.#changed();
  }

  /** Subscribes to a ready resource (resolves once the server has the subscription); an update reads it again. */
  async #follow(entry: Entry): Promise<void> {
    const { connection } = entry.server;
    const uri = entry.name;
    const onUpdate = (event: CustomEvent<{ uri: string }>) => {
      if (event.detail.uri !== uri || !this.#entries.includes(entry)) return;
      entry.updated = true;
      entry.state = 'loading';
      this.#changed();
      void this.#read(entry, async () => [{ role: 'user', content: resourceBlocks(await connection.readResource(uri)) }]);
    };
    connection.addEventListener('resource-updated', onUpdate);
    entry.unsubscribe = () => {
      connection.removeEventListener('resource-updated', onUpdate);
      connection.unsubscribeResource(uri).catch(() => {});
    };
    try {
      await connection.subscribeResource(uri);
    } catch {
      // Not offered after all (or the session moved on): the attachment stays, without updates.
      connection.removeEventListener('resource-updated', onUpdate);
      entry.unsubscribe = undefined;
    }
  }

  #changed(): void {
    this.dispatchEvent(new Event('change'));
  }
}
