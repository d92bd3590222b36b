import type { Clock, Storage } from '../Storage.ts';
import { MemoryBlobStore } from './MemoryBlobStore.ts';
import { MemoryCatalogue } from './MemoryCatalogue.ts';
import { MemoryDocLog } from './MemoryDocLog.ts';
import { MemoryDocVersions } from './MemoryDocVersions.ts';
import { MemoryTables } from './MemoryTables.ts';

/** Storage kept in process memory: for tests, and for throwaway servers that need no persistence. */
export function createMemoryStorage({ clock = Date.now }: { clock?: Clock } = {}): Storage {
  const tables = new MemoryTables();
  return {
    log: new MemoryDocLog(tables, clock),
    catalogue: new MemoryCatalogue(tables, clock),
    versions: new MemoryDocVersions(clock, () => tables.assertOpen()),
    blobs: new MemoryBlobStore(() => tables.assertOpen()),
    // Nothing predates a store in memory, so no backfill is ever pending.
    backfills: { pending: async () => [], finish: async () => {} },
    close: async () => tables.close(),
  };
}
