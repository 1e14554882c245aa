// @ts-check
/**
 * The demo MCP server: a dozen small tools over an in-memory notebook, built fresh per connection
 * so that one client's deletes never show up in another's session.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { completable } from '@modelcontextprotocol/sdk/server/completable.js';
import { InMemoryTaskStore } from '@modelcontextprotocol/sdk/experimental/tasks/stores/in-memory.js';
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SubscribeRequestSchema, UnsubscribeRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { assertToolsPaginated, paginateToolsList } from './paginate-tools.mjs';
import { renderChartPng } from './png.mjs';
import { renderChimeWav } from './wav.mjs';

/** @typedef {import('@modelcontextprotocol/sdk/types.js').CallToolResult} CallToolResult */
/** @typedef {import('@modelcontextprotocol/sdk/types.js').RequestId} RequestId */

/**
 * What the server saw when a tool call was aborted: by `notifications/cancelled` (reason as the
 * client gave it) or by the connection closing (the SDK aborts with no reason).
 * @typedef {{ tool: string, requestId: RequestId, reason: string }} CancellationRecord
 */

/** @typedef {{ id: string, title: string, body: string, tags: string[] }} Note */

export const TOOLS_PAGE_SIZE = 5;

/** @returns {Note[]} */
function seedNotes() {
  return [
    { id: 'note-1', title: 'Quarterly planning', body: 'Draft Q3 goals: ship the audit log viewer, cut p95 tool latency by 30%.', tags: ['planning', 'work'] },
    { id: 'note-2', title: 'Grocery list', body: 'Oat milk, lemons, basil, sourdough, coffee beans.', tags: ['home'] },
    { id: 'note-3', title: 'Meeting with Priya', body: 'Discussed OAuth step-up for the billing server; follow up on token lifetimes.', tags: ['work', 'security'] },
    { id: 'note-4', title: 'Book recommendations', body: 'The Design of Everyday Things; Designing Data-Intensive Applications.', tags: ['reading'] },
    { id: 'note-5', title: 'Trip to Lisbon', body: 'Flights booked for May 12. Visit Alfama and the tile museum; try pastel de nata.', tags: ['travel'] },
  ];
}

/**
 * @param {string} text
 * @returns {CallToolResult}
 */
function text(text) {
  return { content: [{ type: 'text', text }] };
}

/**
 * @param {string} message
 * @returns {CallToolResult}
 */
function toolError(message) {
  return { content: [{ type: 'text', text: message }], isError: true };
}

/** @param {Note} note */
function formatNote(note) {
  return `${note.id}: ${note.title} [${note.tags.join(', ')}]\n${note.body}`;
}

/**
 * @param {{ onCancel?: (record: CancellationRecord) => void }} [options]
 * @returns {McpServer} a new server with its own notes; `tools/list` is paged by TOOLS_PAGE_SIZE
 */
export function createDemoMcpServer({ onCancel } = {}) {
  // `logging` lets clients set a level (logging/setLevel) for the log_steps tool's messages.
  // Tasks (2025-11-25, experimental in the SDK): task-augmented tools/call, tasks/get|result|list|cancel.
  const mcpServer = new McpServer(
    { name: 'toolgate-demo', version: '0.1.0' },
    {
      capabilities: { logging: {}, resources: { subscribe: true }, tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } } },
      taskStore: new InMemoryTaskStore(),
    },
  );
  paginateToolsList(mcpServer, TOOLS_PAGE_SIZE);
  const notes = seedNotes();
  let nextNoteNumber = notes.length + 1;
  /** Resource URIs this session subscribed to (resources/subscribe). */
  const subscribed = new Set();
  mcpServer.server.setRequestHandler(SubscribeRequestSchema, ({ params }) => (subscribed.add(params.uri), {}));
  mcpServer.server.setRequestHandler(UnsubscribeRequestSchema, ({ params }) => (subscribed.delete(params.uri), {}));

  mcpServer.registerTool(
    'search_notes',
    {
      title: 'Search notes',
      description: 'Finds notes whose title, body or tags contain the query (case-insensitive).',
      inputSchema: { query: z.string().describe('Words to look for') },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ query }) => {
      const needle = query.toLowerCase();
      const hits = notes.filter((n) => [n.title, n.body, ...n.tags].some((s) => s.toLowerCase().includes(needle)));
      if (hits.length === 0) return text(`No notes match "${query}".`);
      return text(`${hits.length} note(s) match "${query}":\n\n${hits.map(formatNote).join('\n\n')}`);
    },
  );

  mcpServer.registerTool(
    'list_notes',
    {
      title: 'List notes',
      description: 'Lists the id and title of every note.',
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    () => text(notes.length === 0 ? 'No notes.' : notes.map((n) => `${n.id}: ${n.title}`).join('\n')),
  );

  mcpServer.registerTool(
    'get_note',
    {
      title: 'Get note',
      description: 'Returns one note by id.',
      inputSchema: { id: z.string().describe('Note id, e.g. note-1') },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ id }) => {
      const note = notes.find((n) => n.id === id);
      return note ? text(formatNote(note)) : toolError(`No note with id ${id}.`);
    },
  );

  mcpServer.registerTool(
    'create_note',
    {
      title: 'Create note',
      description: 'Adds a note and returns its new id.',
      inputSchema: {
        title: z.string().min(1).max(200),
        body: z.string().max(10_000),
        tags: z.array(z.string()).max(10).default([]),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    ({ title, body, tags }) => {
      const id = `note-${nextNoteNumber++}`;
      notes.push({ id, title, body, tags });
      return text(`Created ${id}: ${title}`);
    },
  );

  mcpServer.registerTool(
    'delete_note',
    {
      title: 'Delete note',
      description: 'Permanently deletes a note by id.',
      inputSchema: { id: z.string().describe('Note id, e.g. note-1') },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    ({ id }) => {
      const index = notes.findIndex((n) => n.id === id);
      if (index < 0) return toolError(`No note with id ${id}.`);
      const [removed] = notes.splice(index, 1);
      return text(`Deleted ${id}: ${removed?.title}`);
    },
  );

  mcpServer.registerTool(
    'count_slowly',
    {
      title: 'Count slowly',
      description: 'Counts from 1 to count, waiting delayMs before each step and reporting progress. Cancellable.',
      inputSchema: {
        count: z.number().int().min(1).max(1000),
        delayMs: z.number().int().min(0).max(5000).default(100),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ count, delayMs }, extra) => {
      const progressToken = extra._meta?.progressToken;
      for (let i = 1; i <= count; i++) {
        try {
          await sleep(delayMs, undefined, { signal: extra.signal });
        } catch {
          // Only the abort rejects. The SDK drops whatever we return now, so the record is the
          // one trace of the cancellation a test can see.
          onCancel?.({ tool: 'count_slowly', requestId: extra.requestId, reason: String(extra.signal.reason ?? '') });
          return text(`cancelled at ${i - 1}`);
        }
        if (progressToken !== undefined) {
          await extra.sendNotification({
            method: 'notifications/progress',
            params: { progressToken, progress: i, total: count, message: `step ${i}` },
          });
        }
      }
      return text(`counted to ${count}`);
    },
  );

  mcpServer.registerTool(
    'render_chart',
    {
      title: 'Render chart',
      description: 'Renders a small bar chart as a PNG image.',
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    () => {
      const png = renderChartPng(64);
      return {
        content: [
          { type: 'image', mimeType: 'image/png', data: png.toString('base64') },
          { type: 'text', text: `A 64×64 PNG (${png.length} bytes): five blue bars over a red-green gradient.` },
        ],
      };
    },
  );

  mcpServer.registerTool(
    'play_chime',
    {
      title: 'Play a chime',
      description: 'Returns a short chime as a WAV sound.',
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    () => {
      const wav = renderChimeWav();
      return {
        content: [
          { type: 'audio', mimeType: 'audio/wav', data: wav.toString('base64') },
          { type: 'text', text: `A 250 ms chime at 880 Hz (${wav.length} bytes of WAV).` },
        ],
      };
    },
  );

  mcpServer.registerTool(
    'link_note',
    {
      title: 'Link to a note',
      description: 'Returns a link to a note as a resource (resource_link), without its text.',
      inputSchema: { id: z.string().describe('Note id, e.g. note-1') },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ id }) => {
      const note = notes.find((n) => n.id === id);
      if (!note) return toolError(`No note with id ${id}.`);
      return {
        content: [
          { type: 'text', text: `Here is ${id}.` },
          { type: 'resource_link', uri: `notes://note/${id}`, name: id, title: note.title, mimeType: 'text/plain', description: 'The note as text' },
        ],
      };
    },
  );

  mcpServer.registerTool(
    'echo',
    {
      title: 'Echo',
      description: 'Returns the text unchanged.',
      inputSchema: { text: z.string() },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args) => text(args.text),
  );

  mcpServer.registerTool(
    'add_numbers',
    {
      title: 'Add numbers',
      description: 'Adds a list of numbers.',
      inputSchema: { numbers: z.array(z.number()).min(1).max(1000) },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ numbers }) => text(String(numbers.reduce((sum, n) => sum + n, 0))),
  );

  mcpServer.registerTool(
    'word_count',
    {
      title: 'Word count',
      description: 'Counts the words and characters in a text.',
      inputSchema: { text: z.string() },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args) => {
      const words = args.text.trim().split(/\s+/u).filter(Boolean).length;
      return text(`${words} words, ${[...args.text].length} characters`);
    },
  );

  mcpServer.registerTool(
    'reverse_text',
    {
      title: 'Reverse text',
      description: 'Reverses a text character by character.',
      inputSchema: { text: z.string() },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args) => text([...args.text].reverse().join('')),
  );

  mcpServer.registerTool(
    'uppercase',
    {
      title: 'Uppercase',
      description: 'Converts a text to upper case.',
      inputSchema: { text: z.string() },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args) => text(args.text.toUpperCase()),
  );

  mcpServer.registerTool(
    'get_time',
    {
      title: 'Get time',
      description: 'Returns the current time on the server, as ISO 8601 in UTC or in the given IANA time zone.',
      inputSchema: { timeZone: z.string().optional().describe('IANA zone, e.g. Europe/Lisbon') },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ timeZone }) => {
      const now = new Date();
      if (!timeZone) return text(now.toISOString());
      try {
        return text(now.toLocaleString('en-GB', { timeZone, timeZoneName: 'short' }));
      } catch {
        return toolError(`Unknown time zone ${timeZone}.`);
      }
    },
  );

  mcpServer.registerTool(
    'note_stats',
    {
      title: 'Note statistics',
      description: 'Counts the notes and lists their distinct tags, as structured output.',
      outputSchema: { count: z.number().int().min(0), tags: z.array(z.string()) },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    () => {
      const tags = [...new Set(notes.flatMap((n) => n.tags))].sort();
      const structuredContent = { count: notes.length, tags };
      return { content: [{ type: 'text', text: JSON.stringify(structuredContent) }], structuredContent };
    },
  );

  mcpServer.registerTool(
    'log_steps',
    {
      title: 'Log steps',
      description: 'Sends one log message per level (debug, info, warning, error), then returns. Honours logging/setLevel.',
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async (extra) => {
      for (const level of /** @type {const} */ (['debug', 'info', 'warning', 'error'])) {
        // The SDK drops messages below the level the client set for this session.
        await mcpServer.server.sendLoggingMessage({ level, logger: 'log_steps', data: { step: level } }, extra.sessionId);
      }
      return text('logged 4 steps');
    },
  );

  mcpServer.registerTool(
    'link_account',
    {
      title: 'Link account',
      description: 'Asks the person to open a page (URL-mode elicitation) to link an outside account; reports their answer.',
      inputSchema: { url: z.string().max(4096).optional().describe('The page to send the person to (default: an example page)') },
      annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: true },
    },
    async ({ url }) => {
      const elicitationId = randomUUID();
      const answer = await mcpServer.server.elicitInput({
        mode: 'url',
        message: 'Open this page to link your example.com account.',
        url: url ?? `https://accounts.example.com/link?session=${elicitationId}`,
        elicitationId,
      });
      // The page would be visited out of band; here the "visit" is immediate, so completion follows at once.
      if (answer.action === 'accept') await mcpServer.server.createElicitationCompletionNotifier(elicitationId)();
      return text(`link ${answer.action} (${elicitationId})`);
    },
  );

  mcpServer.registerTool(
    'retitle_note',
    {
      title: 'Retitle note',
      description: 'Asks the person for a new title (form elicitation), then renames the note.',
      inputSchema: { id: z.string().describe('Note id, e.g. note-1') },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async ({ id }) => {
      const note = notes.find((n) => n.id === id);
      if (!note) return toolError(`No note with id ${id}.`);
      const answer = await mcpServer.server.elicitInput({
        message: `New title for "${note.title}"?`,
        requestedSchema: { type: 'object', properties: { title: { type: 'string', minLength: 1, maxLength: 50 } }, required: ['title'] },
      });
      if (answer.action !== 'accept' || typeof answer.content?.title !== 'string') return text(`kept "${note.title}" (${answer.action})`);
      note.title = answer.content.title;
      // The index lists titles: tell subscribers it changed.
      if (subscribed.has('notes://index')) await mcpServer.server.sendResourceUpdated({ uri: 'notes://index' });
      return text(`Retitled ${id}: ${note.title}`);
    },
  );

  mcpServer.experimental.tasks.registerToolTask(
    'count_task',
    {
      title: 'Count as a task',
      description: 'Counts from 1 to count in the background (delayMs per step) as a task; its status message says the step. Cancellable with tasks/cancel.',
      inputSchema: { count: z.number().int().min(1).max(1000), delayMs: z.number().int().min(0).max(5000).default(100) },
      execution: { taskSupport: 'optional' },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    {
      async createTask({ count, delayMs }, { taskStore, taskRequestedTtl }) {
        const task = await taskStore.createTask({ ttl: taskRequestedTtl ?? 60_000, pollInterval: 50 });
        void (async () => {
          for (let i = 1; i <= count; i++) {
            await sleep(delayMs);
            const current = await taskStore.getTask(task.taskId).catch(() => undefined);
            if (!current || current.status !== 'working') return; // cancelled (or gone): stop working
            if (i < count) await taskStore.updateTaskStatus(task.taskId, 'working', `step ${i} of ${count}`).catch(() => {});
          }
          await taskStore.storeTaskResult(task.taskId, 'completed', text(`counted to ${count}`)).catch(() => {});
        })();
        return { task };
      },
      getTask: (_args, { taskId, taskStore }) => taskStore.getTask(taskId),
      // The store keeps results untyped; this tool only ever stores a CallToolResult.
      getTaskResult: async (_args, { taskId, taskStore }) => /** @type {CallToolResult} */ (await taskStore.getTaskResult(taskId)),
    },
  );

  // One resource and one prompt, so clients can exercise resources/* and prompts/*.
  mcpServer.registerResource(
    'notes-index',
    'notes://index',
    { title: 'Notes index', description: 'The id and title of every note.', mimeType: 'text/plain' },
    (uri) => ({ contents: [{ uri: uri.href, mimeType: 'text/plain', text: notes.map((n) => `${n.id}: ${n.title}`).join('\n') }] }),
  );
  // One note per URI, with completion of the id (resources/templates/list, completion/complete on ref/resource).
  mcpServer.registerResource(
    'note',
    new ResourceTemplate('notes://note/{id}', {
      list: undefined,
      complete: { id: (value) => notes.map((n) => n.id).filter((id) => id.startsWith(value ?? '')) },
    }),
    { title: 'A note', description: 'One note as text, by id.', mimeType: 'text/plain' },
    (uri, { id }) => {
      const note = notes.find((n) => n.id === String(id));
      if (!note) throw new Error(`No note with id ${String(id)}`);
      return { contents: [{ uri: uri.href, mimeType: 'text/plain', text: formatNote(note) }] };
    },
  );
  // A picture as a resource (a blob), for attachments that are images.
  mcpServer.registerResource(
    'chart',
    'notes://chart.png',
    { title: 'Notes chart', description: 'A small bar chart of the notes, as PNG.', mimeType: 'image/png' },
    (uri) => ({ contents: [{ uri: uri.href, mimeType: 'image/png', blob: renderChartPng(64).toString('base64') }] }),
  );
  mcpServer.registerPrompt(
    'summarize_note',
    {
      title: 'Summarize a note',
      description: 'Asks the model for a one-paragraph summary of a note.',
      argsSchema: { id: z.string().describe('Note id, e.g. note-1') },
    },
    ({ id }) => {
      const note = notes.find((n) => n.id === id);
      const body = note ? `${note.title}\n\n${note.body}` : `(no note ${id})`;
      return { messages: [{ role: 'user', content: { type: 'text', text: `Summarize this note in one paragraph:\n\n${body}` } }] };
    },
  );

  // A prompt whose argument completes from the notes' tags (completion/complete).
  mcpServer.registerPrompt(
    'notes_by_tag',
    {
      title: 'Notes by tag',
      description: 'Asks the model to review the notes with one tag.',
      argsSchema: {
        tag: completable(z.string().describe('A tag, e.g. work'), (value) =>
          [...new Set(notes.flatMap((n) => n.tags))].sort().filter((t) => t.startsWith(value ?? '')),
        ),
      },
    },
    ({ tag }) => ({
      messages: [{ role: 'user', content: { type: 'text', text: `Review these notes:\n\n${notes.filter((n) => n.tags.includes(tag)).map(formatNote).join('\n\n')}` } }],
    }),
  );

  assertToolsPaginated(mcpServer);
  return mcpServer;
}
