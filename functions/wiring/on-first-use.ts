/**
 * A value built on first use, once, and shared by the calls after: for code a function needs only on rare paths, so
 * its cold start does not load it. A failed build is not kept: the next call builds again (a redelivered record, the
 * next request), instead of failing every call until the next cold start.
 */
export function onFirstUse<T>(build: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () =>
    (made ??= build().catch((error: unknown) => {
      made = undefined;
      throw error;
    }));
}
