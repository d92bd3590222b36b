/**
 * Polls `check` until it returns true, or fails with `message` after `timeoutMs`: the one
 * polling loop of the test suite. For state that no event announces (another client has
 * converged, a browser page shows a text); never used to assert how long something took.
 */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  message: string | (() => string),
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting: ${typeof message === 'string' ? message : message()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A promise with its resolve function, for events a test waits on. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
