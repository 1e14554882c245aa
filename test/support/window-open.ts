/**
 * Runs `body` with `window.open` recording its arguments instead of opening anything (a test page
 * must not open tabs), and puts the real one back however `body` ends.
 */
export async function recordingWindowOpen<T>(body: (opened: unknown[][]) => Promise<T>): Promise<T> {
  const opened: unknown[][] = [];
  const realOpen = window.open;
  window.open = (...args: unknown[]) => {
    opened.push(args);
    return null;
  };
  try {
    return await body(opened);
  } finally {
    window.open = realOpen;
  }
}
