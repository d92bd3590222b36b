import type { VersionTimers } from '../../server/versions/VersionTimers.ts';

/**
 * Timers on a clock that moves only when the test says so: `advance` runs, in order, every
 * callback that falls due. For code that takes `VersionTimers`.
 */
export class ManualTimers implements VersionTimers {
  private time: number;
  private nextHandle = 1;
  private readonly pending = new Map<number, { at: number; callback: () => void }>();

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.time = start;
  }

  now = (): number => this.time;

  setTimeout = (callback: () => void, ms: number): unknown => {
    const handle = this.nextHandle++;
    this.pending.set(handle, { at: this.time + ms, callback });
    return handle;
  };

  clearTimeout = (handle: unknown): void => {
    this.pending.delete(handle as number);
  };

  /** Timers waiting to fire. */
  get waiting(): number {
    return this.pending.size;
  }

  /** Moves the clock forward by `ms`, firing what falls due on the way. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.pending].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (due === undefined) break;
      const [handle, timer] = due;
      this.pending.delete(handle);
      this.time = Math.max(this.time, timer.at);
      timer.callback();
    }
    this.time = end;
  }
}
