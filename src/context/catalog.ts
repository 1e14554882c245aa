/**
 * What the connected servers offer the person for their turn: resources and resource templates
 * (the picker), and prompts (the `/` command), listed across servers and searchable. A server
 * that fails to list keeps its error here and the others are still shown. Everything listed is
 * server text: render it as text. No DOM.
 */
import type { Prompt, Resource, ResourceTemplate } from '../../workers/shared/wire.js';
import { errorCode } from '../../workers/shared/errors.js';
import type { ContextServer } from './context-server.js';
import { templateVariables } from './uri-template.js';

export type ResourceEntry =
  | { kind: 'resource'; server: ContextServer; resource: Resource }
  | { kind: 'template'; server: ContextServer; template: ResourceTemplate; variables: string[] };

export interface PromptEntry {
  server: ContextServer;
  prompt: Prompt;
  /** What the person types after `/`: `<server id>:<prompt name>`, unique across servers. */
  command: string;
}

export interface ListingError {
  server: ContextServer;
  error: { code?: string; message: string };
}

export interface Listing<T> {
  entries: T[];
  errors: ListingError[];
}

/** At most this many entries per server are kept (a server could list millions). */
export const MAX_ENTRIES_PER_SERVER = 500;

const coded = (err: unknown) => {
  const code = errorCode(err);
  return { ...(code !== undefined && { code }), message: err instanceof Error ? err.message : String(err) };
};

async function across<T>(servers: readonly ContextServer[], offered: (s: ContextServer) => boolean, list: (s: ContextServer) => Promise<T[]>): Promise<Listing<T>> {
  const settled = await Promise.all(
    servers.filter(offered).map(async (server) => {
      try {
        return { server, entries: (await list(server)).slice(0, MAX_ENTRIES_PER_SERVER), error: undefined };
      } catch (err) {
        return { server, entries: undefined, error: coded(err) };
      }
    }),
  );
  const out: Listing<T> = { entries: [], errors: [] };
  for (const s of settled) {
    if (s.error) out.errors.push({ server: s.server, error: s.error });
    else out.entries.push(...(s.entries ?? []));
  }
  return out;
}

/** The resources and templates of every server that offers resources. */
export function listResources(servers: readonly ContextServer[]): Promise<Listing<ResourceEntry>> {
  return across(servers, (s) => s.offers.resources, async (server) => {
    // Templates are optional for a server (a -32601 is "none"), its resources are not.
    const [resources, templates] = await Promise.all([server.connection.listResources(), server.connection.listResourceTemplates().catch(() => [])]);
    return [
      ...resources.map((resource): ResourceEntry => ({ kind: 'resource', server, resource })),
      ...templates.map((template): ResourceEntry => ({ kind: 'template', server, template, variables: templateVariables(template.uriTemplate) })),
    ];
  });
}

/** The prompts of every server that offers prompts, with their `/` commands. */
export function listPrompts(servers: readonly ContextServer[]): Promise<Listing<PromptEntry>> {
  return across(servers, (s) => s.offers.prompts, async (server) =>
    (await server.connection.listPrompts()).map((prompt) => ({ server, prompt, command: `${server.id}:${prompt.name}` })),
  );
}

const fold = (text: unknown) => (typeof text === 'string' ? text.toLocaleLowerCase() : '');

/** Entries whose every word of `query` appears in their name, title, URI, description or server (case-insensitive). */
export function searchResources(entries: readonly ResourceEntry[], query: string): ResourceEntry[] {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...entries];
  return entries.filter((e) => {
    const item = e.kind === 'resource' ? e.resource : e.template;
    const haystack = [item.name, item.title, item.description, e.kind === 'resource' ? e.resource.uri : e.template.uriTemplate, e.server.label, e.server.id].map(fold).join('\n');
    return words.every((w) => haystack.includes(w));
  });
}

/**
 * Prompts matching what follows `/`: a command starting with it comes first, then any whose
 * name, title, description or server contains it.
 */
export function searchPrompts(entries: readonly PromptEntry[], query: string): PromptEntry[] {
  const q = fold(query.trim());
  if (q === '') return [...entries];
  const starts = (e: PromptEntry) => fold(e.command).startsWith(q) || fold(e.prompt.name).startsWith(q);
  const contains = (e: PromptEntry) => [e.command, e.prompt.title, e.prompt.description, e.server.label].map(fold).some((t) => t.includes(q));
  return [...entries.filter(starts), ...entries.filter((e) => !starts(e) && contains(e))];
}

/** The `/` command being typed: the text after a leading `/` up to the first space, or undefined when the text is not a command. */
export function slashQuery(text: string): string | undefined {
  const m = /^\/(\S*)$/.exec(text);
  return m ? m[1] : undefined;
}
