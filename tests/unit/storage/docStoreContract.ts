import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DocStore } from '../../../server/storage/DocStore.ts';

const bytes = (...values: number[]) => Uint8Array.from(values);
const SV = Uint8Array.of(1, 42, 3);

/**
 * Behaviour every `DocStore` must have. Each implementation's test file calls this with a
 * factory for a fresh, empty store.
 */
export function docStoreContract(label: string, createStore: () => DocStore | Promise<DocStore>): void {
  describe(`DocStore contract: ${label}`, () => {
    let store: DocStore;

    beforeEach(async () => {
      store = await createStore();
    });

    afterEach(async () => {
      await store.close();
    });

    it('loads null for a document never stored', async () => {
      expect(await store.load('nothing-here')).toBeNull();
      expect(await store.info('nothing-here')).toBeNull();
    });

    it('loads appended updates in append order, with no snapshot yet', async () => {
      await Promise.all([store.append('d', bytes(1)), store.append('d', bytes(2))]);
      await store.append('d', bytes(3));
      const loaded = await store.load('d');
      expect(loaded?.snapshot).toBeNull();
      expect(loaded?.snapshotStateVector).toBeNull();
      expect(loaded?.updates).toEqual([bytes(1), bytes(2), bytes(3)]);
    });

    it('gives increasing sequence numbers, resolving appends in that order', async () => {
      const order: number[] = [];
      const seqs = await Promise.all(
        [1, 2, 3, 4].map((n) =>
          store.append(n % 2 ? 'odd' : 'even', bytes(n)).then((seq) => (order.push(n), seq)),
        ),
      );
      expect(order).toEqual([1, 2, 3, 4]);
      expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
      expect(new Set(seqs).size).toBe(4);
      expect((await store.load('odd'))?.lastSeq).toBe(seqs[2]);
    });

    it('keeps documents apart', async () => {
      await store.append('a', bytes(1));
      await store.append('b', bytes(2));
      expect((await store.load('a'))?.updates).toEqual([bytes(1)]);
      expect((await store.load('b'))?.updates).toEqual([bytes(2)]);
    });

    it('compaction replaces the snapshot and drops exactly the entries it covers', async () => {
      await store.append('d', bytes(1));
      const covered = await store.append('d', bytes(2));
      await store.append('other', bytes(9));
      const later = store.append('d', bytes(3));
      await store.compact('d', bytes(7, 7), SV, covered);
      await later;
      const loaded = await store.load('d');
      expect(loaded?.snapshot).toEqual(bytes(7, 7));
      expect(loaded?.snapshotStateVector).toEqual(SV);
      expect(loaded?.updates).toEqual([bytes(3)]);
      expect((await store.load('other'))?.updates).toEqual([bytes(9)]);
    });

    it('never reuses a sequence number after compaction', async () => {
      const first = await store.append('d', bytes(1));
      await store.compact('d', bytes(1), SV, first);
      const second = await store.append('d', bytes(2));
      expect(second).toBeGreaterThan(first);
      // A compaction through the old number must not drop the new entry.
      await store.compact('d', bytes(1), SV, first);
      expect((await store.load('d'))?.updates).toEqual([bytes(2)]);
    });

    it('does not let callers mutate stored bytes', async () => {
      const update = bytes(1, 2, 3);
      await store.append('d', update);
      update[0] = 99;
      const loaded = await store.load('d');
      loaded!.updates[0]![1] = 99;
      expect((await store.load('d'))?.updates).toEqual([bytes(1, 2, 3)]);
    });

    it('lists documents most recently changed first, with their stored size', async () => {
      await store.append('older', bytes(1, 2));
      await new Promise((resolve) => setTimeout(resolve, 5));
      await store.append('newer', bytes(1, 2, 3));
      const list = await store.list();
      expect(list.map((d) => d.name)).toEqual(['newer', 'older']);
      expect(list[0]).toMatchObject({ name: 'newer', bytes: 3 });
      expect(list[0]!.updatedAt).toBeGreaterThanOrEqual(list[1]!.updatedAt);
      expect(list[0]!.createdAt).toBeLessThanOrEqual(list[0]!.updatedAt);
    });

    it('reports size after compaction as snapshot plus remaining log', async () => {
      const seq = await store.append('d', bytes(1, 2, 3, 4));
      await store.append('d', bytes(5));
      await store.compact('d', bytes(1, 2), SV, seq);
      expect((await store.info('d'))?.bytes).toBe(2 + 1);
    });

    it('records a title for listing, and ignores one for an unknown document', async () => {
      await store.append('d', bytes(1));
      expect((await store.info('d'))?.title).toBeNull();
      await store.setTitle('d', 'Quarterly plan');
      await store.setTitle('ghost', 'Nobody');
      expect((await store.info('d'))?.title).toBe('Quarterly plan');
      expect((await store.list()).map((d) => d.name)).toEqual(['d']);
    });

    it('rejects work after close', async () => {
      await store.close();
      await expect(store.append('d', bytes(1))).rejects.toThrow(/closed/);
      await expect(store.load('d')).rejects.toThrow(/closed/);
    });
  });
}
