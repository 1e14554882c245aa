/**
 * Tasks (2025-11-25, experimental: basic/utilities/tasks.mdx): a task-augmented `tools/call` answers
 * at once with a `CreateTaskResult`; the client polls `tasks/get` at the server's `pollInterval`
 * (clamped, so a server can neither make us spin nor stall forever) until the task leaves `working`,
 * then fetches the outcome with `tasks/result` (which also carries an `input_required` task through
 * the server's elicitation requests). Aborting sends `tasks/cancel`. Status notifications only
 * speed things up: the spec says requestors must not rely on them.
 */
import { ErrorCode, TgError } from '../shared/errors.js';
import { TASK_STATUSES, type JsonObject, type TaskState, type TaskStatus } from '../shared/wire.js';

/** Polls no faster than this, whatever the server suggests; and waits no longer than the maximum between polls. */
export const MIN_POLL_MS = 50;
export const MAX_POLL_MS = 30_000;
const DEFAULT_POLL_MS = 1_000;
/** How long a finished task's result is asked to be kept (the server may choose otherwise). */
export const TASK_TTL_MS = 10 * 60_000;
/** A task that has not finished after this long is cancelled and reported as a timeout. */
export const TASK_MAX_MS = 60 * 60_000;

const MAX_ID_CHARS = 256;
const MAX_MESSAGE_CHARS = 1_000;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A checked `Task`, or why it is not one. */
export function parseTask(raw: unknown): TaskState | string {
  if (!isObject(raw)) return 'task is not an object';
  const { taskId, status, statusMessage, pollInterval, ttl, createdAt, lastUpdatedAt } = raw;
  if (typeof taskId !== 'string' || taskId.length === 0 || taskId.length > MAX_ID_CHARS) return 'task has no valid taskId';
  if (typeof status !== 'string' || !(TASK_STATUSES as readonly string[]).includes(status)) return `task status ${JSON.stringify(status)?.slice(0, 40)} is unknown`;
  const task: TaskState = { taskId, status: status as TaskStatus };
  if (typeof statusMessage === 'string') task.statusMessage = statusMessage.slice(0, MAX_MESSAGE_CHARS);
  if (typeof pollInterval === 'number' && Number.isFinite(pollInterval) && pollInterval >= 0) task.pollInterval = pollInterval;
  if (ttl === null || (typeof ttl === 'number' && Number.isFinite(ttl))) task.ttl = ttl;
  if (typeof createdAt === 'string') task.createdAt = createdAt.slice(0, 64);
  if (typeof lastUpdatedAt === 'string') task.lastUpdatedAt = lastUpdatedAt.slice(0, 64);
  return task;
}

/** The `task` of a `CreateTaskResult`; throws `TG_PROTOCOL_ERROR`. */
export function parseCreateTaskResult(result: JsonObject): TaskState {
  const task = parseTask(result.task);
  if (typeof task === 'string') throw new TgError(ErrorCode.PROTOCOL_ERROR, `tools/call (task) result is invalid: ${task}`);
  return task;
}

export function clampPollInterval(ms: number | undefined): number {
  return Math.min(MAX_POLL_MS, Math.max(MIN_POLL_MS, ms ?? DEFAULT_POLL_MS));
}

const isTerminal = (status: TaskStatus) => status === 'completed' || status === 'failed' || status === 'cancelled';

export interface TaskIo {
  get(taskId: string, signal: AbortSignal): Promise<TaskState>;
  result(taskId: string, signal: AbortSignal): Promise<JsonObject>;
  cancel(taskId: string): Promise<void>;
}

/** What a running task listens to: status notifications for its id wake the poll early. */
export interface TaskWatch {
  /** Called with each checked `notifications/tasks/status` for this task. */
  notify(task: TaskState): void;
}

/**
 * Follows a created task to its result. `onStatus` sees each distinct state. `watch` registers the
 * listener that status notifications feed (and unregisters it when done).
 */
export async function followTask(
  created: TaskState,
  io: TaskIo,
  options: {
    signal?: AbortSignal;
    onStatus?: (task: TaskState) => void;
    watch?: (taskId: string, listener: TaskWatch | undefined) => void;
    maxMs?: number;
  } = {},
): Promise<JsonObject> {
  const controller = new AbortController();
  const stop = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', stop, { once: true });
  const deadline = setTimeout(() => controller.abort('timeout'), options.maxMs ?? TASK_MAX_MS);
  let task = created;
  let last = '';
  let wake: (() => void) | undefined;
  const update = (next: TaskState) => {
    // A terminal state is final: a late "working" notification must not resurrect the task.
    if (isTerminal(task.status) && next.status !== task.status) return;
    task = next;
    const key = `${next.status}\u0000${next.statusMessage ?? ''}\u0000${next.lastUpdatedAt ?? ''}`;
    if (key !== last) {
      last = key;
      try {
        options.onStatus?.(next);
      } catch {
        /* a failing listener must not break the task */
      }
    }
  };
  options.watch?.(created.taskId, { notify: (next) => (update(next), wake?.()) });
  update(created);
  try {
    while (task.status === 'working') {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(done, clampPollInterval(task.pollInterval));
        function done() {
          clearTimeout(timer);
          controller.signal.removeEventListener('abort', aborted);
          wake = undefined;
          resolve();
        }
        function aborted() {
          clearTimeout(timer);
          reject(controller.signal.reason);
        }
        wake = done;
        controller.signal.throwIfAborted();
        controller.signal.addEventListener('abort', aborted, { once: true });
      });
      if (task.status !== 'working') break; // a notification already moved it on
      update(await io.get(task.taskId, controller.signal));
    }
    if (task.status === 'cancelled') {
      throw new TgError(ErrorCode.CANCELLED, `Task ${task.taskId} was cancelled by the server${task.statusMessage ? `: ${task.statusMessage}` : ''}`, {
        data: { taskId: task.taskId },
      });
    }
    // completed / failed: the stored outcome; input_required: tasks/result carries the server's questions.
    return await io.result(task.taskId, controller.signal);
  } catch (err) {
    if (controller.signal.aborted && !isTerminal(task.status)) {
      void io.cancel(task.taskId).catch(() => {}); // best effort: the server may already have finished
      const timedOut = controller.signal.reason === 'timeout' && !options.signal?.aborted;
      throw timedOut
        ? new TgError(ErrorCode.TIMEOUT, `Task ${task.taskId} did not finish in time; it was cancelled`, { data: { taskId: task.taskId } })
        : new TgError(ErrorCode.CANCELLED, `Task ${task.taskId} was cancelled`, { data: { taskId: task.taskId }, cause: options.signal?.reason });
    }
    throw err;
  } finally {
    clearTimeout(deadline);
    options.signal?.removeEventListener('abort', stop);
    options.watch?.(created.taskId, undefined);
  }
}
