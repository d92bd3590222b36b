/**
 * The clock and timer automatic versions run on; injected so that tests drive time without
 * sleeping (tests/helpers/manualTimers.ts).
 */
export interface VersionTimers {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Real time. Timers are unref'd: a pending version never keeps the process alive. */
export const REAL_TIMERS: VersionTimers = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
