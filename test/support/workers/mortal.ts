/** The page side of mortal-connection.worker.ts: start such workers, and tell them to end silently. */

export const MORTAL_CHANNEL = 'tg-test-mortal-worker';
export type MortalMessage = { type: 'end'; name?: string };

export const MORTAL_WORKER_URL = new URL('./mortal-connection.worker.ts', import.meta.url);

/** A `createWorker` for `McpConnection.open`: a mortal worker named `name`. */
export function mortalWorker(name: string): () => Worker {
  return () => new Worker(MORTAL_WORKER_URL, { type: 'module', name });
}

/** Tells the mortal worker `name` (or every mortal worker of this origin) to `self.close()`. */
export function endMortalWorkers(name?: string): void {
  const channel = new BroadcastChannel(MORTAL_CHANNEL);
  channel.postMessage({ type: 'end', ...(name !== undefined && { name }) } satisfies MortalMessage);
  channel.close();
}

/**
 * Makes every connection worker this page starts a mortal one (for elements, which start their
 * workers themselves). Returns a function that restores the platform's `Worker`.
 */
export function useMortalWorkers(): () => void {
  const PlatformWorker = globalThis.Worker;
  globalThis.Worker = class extends PlatformWorker {
    constructor(url: string | URL, options?: WorkerOptions) {
      const connection = String(url).includes('connection.worker');
      super(connection ? MORTAL_WORKER_URL : url, options);
    }
  };
  return () => {
    globalThis.Worker = PlatformWorker;
  };
}
