import { describe, expect, it } from 'vitest';
import { Readiness } from '../../../server/health/Readiness.ts';
import type { DocLog } from '../../../server/storage/DocLog.ts';
import { createMemoryStorage } from '../../../server/storage/memory/createMemoryStorage.ts';

function failingLog(log: DocLog, failing: { now: boolean }): DocLog {
  return {
    load: (name) => log.load(name),
    flush: () => log.flush(),
    readAfter: (name, afterSeq) => log.readAfter(name, afterSeq),
    lastSeqs: (names) => log.lastSeqs(names),
    compact: (...args) => log.compact(...args),
    append: (name, update) =>
      failing.now ? Promise.reject(new Error('disk full')) : log.append(name, update),
  };
}

describe('Readiness', () => {
  it('is ready with working storage, and not while shutting down', async () => {
    const storage = createMemoryStorage();
    let shuttingDown = false;
    const readiness = new Readiness({ isShuttingDown: () => shuttingDown, catalogue: storage.catalogue });
    expect(await readiness.check()).toEqual({ ready: true });
    shuttingDown = true;
    expect(await readiness.check()).toMatchObject({ ready: false, reason: 'shutting-down' });
  });

  it('is not ready after a failed write, and ready again after a successful one', async () => {
    const storage = createMemoryStorage();
    const failing = { now: true };
    const readiness = new Readiness({ isShuttingDown: () => false, catalogue: storage.catalogue });
    const log = readiness.watch(failingLog(storage.log, failing));
    await expect(log.append('doc', Uint8Array.of(0, 0))).rejects.toThrow('disk full');
    expect(await readiness.check()).toEqual({
      ready: false,
      reason: 'storage-failing',
      detail: 'last write failed: disk full',
    });
    failing.now = false;
    await log.append('doc', Uint8Array.of(0, 0));
    expect(await readiness.check()).toEqual({ ready: true });
  });

  it('is not ready when the storage cannot be read', async () => {
    const readiness = new Readiness({
      isShuttingDown: () => false,
      catalogue: { info: () => Promise.reject(new Error('database is closed')) },
    });
    expect(await readiness.check()).toMatchObject({
      ready: false,
      reason: 'storage-failing',
      detail: 'storage read failed: database is closed',
    });
  });
});
