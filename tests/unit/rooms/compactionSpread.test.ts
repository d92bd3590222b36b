import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { silentLogger } from '../../../server/logger.ts';
import { NO_ROOM_METRICS } from '../../../server/metrics/RoomMetrics.ts';
import { Compactor } from '../../../server/rooms/Compactor.ts';
import { RoomDocument } from '../../../server/rooms/RoomDocument.ts';
import { SizeQuota } from '../../../server/rooms/SizeQuota.ts';
import { createMemoryStorage } from '../../../server/storage/memory/createMemoryStorage.ts';

/**
 * A compactor over a memory log, fed `entries` applied entries one at a time, that returns
 * the number of entries each of its compactions covered.
 */
async function compactionsAfter(entries: number, compactAfterUpdates: number, random: () => number) {
  const { log } = createMemoryStorage();
  const throughSeqs: number[] = [];
  const doc = new Y.Doc();
  const compactor = new Compactor(
    {
      name: 'doc',
      log: {
        ...log,
        load: log.load.bind(log),
        compact: (name, snapshot, stateVector, throughSeq) => {
          throughSeqs.push(throughSeq);
          return log.compact(name, snapshot, stateVector, throughSeq);
        },
      } as typeof log,
      logger: silentLogger(),
      document: new RoomDocument(doc, null, 'doc', silentLogger(), () => {}),
      quota: SizeQuota.forStored(1 << 30, null),
      compactAfterUpdates,
      metrics: NO_ROOM_METRICS,
    },
    null,
    random,
  );
  for (let seq = 1; seq <= entries; seq++) {
    doc.getText('t').insert(0, 'x');
    compactor.applied(seq);
    compactor.compactIfDue();
    await Promise.resolve(); // the memory log's compaction settles in a microtask or two
    await Promise.resolve();
  }
  return throughSeqs.map((seq, i) => seq - (throughSeqs[i - 1] ?? 0));
}

describe('compaction of rooms loaded together', () => {
  it('first compacts somewhere between half the setting and all of it, then every setting', async () => {
    expect(await compactionsAfter(34, 10, () => 0)).toEqual([5, 10, 10]);
    expect(await compactionsAfter(34, 10, () => 0.999)).toEqual([10, 10, 10]);
    expect(await compactionsAfter(34, 10, () => 0.5)).toEqual([8, 10, 10]);
  });

  it('spreads the first compactions of many rooms over half a period', async () => {
    const firsts = new Set<number>();
    for (let i = 0; i < 20; i++) firsts.add((await compactionsAfter(100, 100, Math.random))[0]!);
    // Twenty rooms that would all have compacted at entry 100 now start anywhere in 50..100.
    expect(Math.min(...firsts)).toBeGreaterThanOrEqual(50);
    expect(Math.max(...firsts)).toBeLessThanOrEqual(100);
    expect(firsts.size).toBeGreaterThan(5);
  });
});
