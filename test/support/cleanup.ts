/**
 * The list a test file puts what it opened in (connections, registries, …); an `afterEach`
 * registered here closes them all, so call this at the top level of the file (or of a `describe`).
 */
export function closedAfterEach<T extends { close(): unknown }>(): T[] {
  const open: T[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
  });
  return open;
}
