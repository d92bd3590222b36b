import { describe, expect, it } from 'vitest';
import { bytes, SV, useStorage, type OpenStorage } from './storageFixture.ts';

/**
 * Behaviour every `DocLog` must have. Each backend's test file calls this with a function
 * that opens a fresh, empty storage on the given clock.
 */
export function docLogContract(label: string, open: OpenStorage): void {
  describe(`DocLog contract: ${label}`, () => {
    const fixture = useStorage(open);
    const log = () => fixture.storage.log;

    it('loads null for a document never stored', async () => {
      expect(await log().load('nothing-here')).toBeNull();
    });

    it('loads appended updates in append order, with no snapshot yet', async () => {
      await Promise.all([log().append('d', bytes(1)), log().append('d', bytes(2))]);
      await log().append('d', bytes(3));
      const loaded = await log().load('d');
      expect(loaded?.snapshot).toBeNull();
      expect(loaded?.snapshotStateVector).toBeNull();
      expect(loaded?.updates).toEqual([bytes(1), bytes(2), bytes(3)]);
      expect(loaded?.lastSeq).toBe(3);
    });

    it('numbers each document’s entries 1, 2, 3… and resolves appends in commit order', async () => {
      const order: number[] = [];
      const seqs = await Promise.all(
        [1, 2, 3, 4, 5].map((n) =>
          log()
            .append(n % 2 ? 'odd' : 'even', bytes(n))
            .then((seq) => (order.push(n), seq)),
        ),
      );
      expect(order).toEqual([1, 2, 3, 4, 5]);
      expect(seqs).toEqual([1, 1, 2, 2, 3]);
      expect((await log().load('odd'))?.lastSeq).toBe(3);
      expect((await log().load('even'))?.lastSeq).toBe(2);
    });

    it('keeps documents apart', async () => {
      await log().append('a', bytes(1));
      await log().append('b', bytes(2));
      expect((await log().load('a'))?.updates).toEqual([bytes(1)]);
      expect((await log().load('b'))?.updates).toEqual([bytes(2)]);
    });

    it('compaction replaces the snapshot and drops exactly the entries it covers', async () => {
      await log().append('d', bytes(1));
      const covered = await log().append('d', bytes(2));
      await log().append('other', bytes(9));
      const later = log().append('d', bytes(3));
      await log().compact('d', bytes(7, 7), SV, covered);
      await later;
      const loaded = await log().load('d');
      expect(loaded?.snapshot).toEqual(bytes(7, 7));
      expect(loaded?.snapshotStateVector).toEqual(SV);
      expect(loaded?.updates).toEqual([bytes(3)]);
      expect(loaded?.lastSeq).toBe(3);
      expect((await log().load('other'))?.updates).toEqual([bytes(9)]);
    });

    it('never reuses a sequence number after compaction', async () => {
      const first = await log().append('d', bytes(1));
      await log().compact('d', bytes(1), SV, first);
      // An emptied log still knows how far its snapshot goes.
      expect((await log().load('d'))?.lastSeq).toBe(first);
      const second = await log().append('d', bytes(2));
      expect(second).toBe(first + 1);
      // A compaction through the old number must not drop the new entry.
      await log().compact('d', bytes(1), SV, first);
      expect((await log().load('d'))?.updates).toEqual([bytes(2)]);
    });

    it('reads the entries after a number, for an instance that missed them', async () => {
      for (const n of [1, 2, 3, 4]) await log().append('d', bytes(n));
      await log().append('other', bytes(9));
      expect(await log().readAfter('d', 2)).toEqual({
        snapshot: null,
        entries: [
          { seq: 3, update: bytes(3) },
          { seq: 4, update: bytes(4) },
        ],
      });
      expect(await log().readAfter('d', 4)).toEqual({ snapshot: null, entries: [] });
      expect(await log().readAfter('nothing-here', 0)).toBeNull();
    });

    it('hands back the snapshot when compaction deleted some of the entries asked for', async () => {
      for (const n of [1, 2, 3]) await log().append('d', bytes(n));
      await log().compact('d', bytes(7, 7), SV, 2);
      await log().append('d', bytes(4));
      // Asked after 1: entry 2 is gone, folded into the snapshot, which comes back with it.
      expect(await log().readAfter('d', 1)).toEqual({
        snapshot: { update: bytes(7, 7), throughSeq: 2 },
        entries: [
          { seq: 3, update: bytes(3) },
          { seq: 4, update: bytes(4) },
        ],
      });
      // Asked after what the snapshot covers: the entries alone.
      expect((await log().readAfter('d', 2))?.snapshot).toBeNull();
    });

    it('tells the newest number of each document asked about, compacted or not', async () => {
      await log().append('a', bytes(1));
      await log().append('a', bytes(2));
      const b = await log().append('b', bytes(3));
      await log().compact('b', bytes(3), SV, b);
      const seqs = await log().lastSeqs(['a', 'b', 'nothing-here']);
      expect(Object.fromEntries(seqs)).toEqual({ a: 2, b: 1 });
      expect((await log().lastSeqs([])).size).toBe(0);
    });

    it('does not let callers mutate stored bytes', async () => {
      const update = bytes(1, 2, 3);
      await log().append('d', update);
      update[0] = 99;
      const loaded = await log().load('d');
      loaded!.updates[0]![1] = 99;
      expect((await log().load('d'))?.updates).toEqual([bytes(1, 2, 3)]);
    });

    it('makes pending appends visible to a load', async () => {
      const appended = log().append('d', bytes(1));
      expect((await log().load('d'))?.updates).toEqual([bytes(1)]);
      await appended;
    });

    it('settles appends still waiting for their group commit when flushed', async () => {
      let committed = 0;
      const appended = log()
        .append('d', bytes(1))
        .then((seq) => (committed = seq));
      await log().flush();
      expect(committed).toBe(1);
      await appended;
    });

    it('rejects work after close', async () => {
      await fixture.storage.close();
      await expect(log().append('d', bytes(1))).rejects.toThrow(/closed/);
      await expect(log().load('d')).rejects.toThrow(/closed/);
    });
  });
}
