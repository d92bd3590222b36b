import { afterEach, beforeEach } from 'vitest';
import type { Clock, Storage } from '../../../server/storage/Storage.ts';

/** Opens a fresh, empty storage backend that reads time from `clock`. */
export type OpenStorage = (clock: Clock) => Storage | Promise<Storage>;

/** Stored bytes, written out. */
export const bytes = (...values: number[]) => Uint8Array.from(values);
/** A state vector to store beside a snapshot (the stores never decode it). */
export const SV = Uint8Array.of(1, 42, 3);

/** A clock that moves only when the test says so. */
export class ManualClock {
  now = Date.UTC(2026, 0, 1);
  readonly read: Clock = () => this.now;

  advance(ms: number): void {
    this.now += ms;
  }
}

/** A fresh storage per test (closed after it), with its manual clock. */
export function useStorage(open: OpenStorage): { readonly storage: Storage; readonly clock: ManualClock } {
  let storage: Storage | null = null;
  let clock = new ManualClock();
  beforeEach(async () => {
    clock = new ManualClock();
    storage = await open(clock.read);
  });
  afterEach(async () => {
    await storage?.close();
    storage = null;
  });
  return {
    get storage() {
      if (storage === null) throw new Error('storage is only open during a test');
      return storage;
    },
    get clock() {
      return clock;
    },
  };
}
