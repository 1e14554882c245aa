/** Small async helpers the browser tests share. */

/** What a coded error looks like to a test (it may have crossed the worker boundary). */
export type Coded = Error & { code?: string; rpcCode?: number; data?: unknown; cause?: unknown };

/** The error `promise` rejects with; fails the test if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Coded> {
  try {
    await promise;
  } catch (err) {
    return err as Coded;
  }
  throw new Error('expected a rejection');
}

/** Polls `probe` until it returns a value (not undefined), or fails after `ms`. */
export async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
