import { describe, expect, it } from 'vitest';
import { bytes, SV, useStorage, type OpenStorage } from './storageFixture.ts';

/**
 * Behaviour every `DocCatalogue` must have, together with the log of the same backend
 * (the catalogue lists what the log stores). Called like `docLogContract`.
 */
export function docCatalogueContract(label: string, open: OpenStorage): void {
  describe(`DocCatalogue contract: ${label}`, () => {
    const fixture = useStorage(open);
    const catalogue = () => fixture.storage.catalogue;
    const log = () => fixture.storage.log;

    it('knows nothing of a document never stored', async () => {
      expect(await catalogue().info('nothing-here')).toBeNull();
      expect(await catalogue().list()).toEqual([]);
    });

    it('creates a document in one call: listing, title and first log entry', async () => {
      const created = await catalogue().create('new', { title: 'Road trip', content: bytes(4, 5) });
      const now = fixture.clock.now;
      expect(created).toEqual({
        name: 'new',
        title: 'Road trip',
        createdAt: now,
        updatedAt: now,
        bytes: 2,
        deletedAt: null,
      });
      expect(await catalogue().info('new')).toEqual(created);
      expect(await log().load('new')).toMatchObject({ updates: [bytes(4, 5)], lastSeq: 1 });
      expect(await log().append('new', bytes(6))).toBe(2);
    });

    it('refuses to create a document whose name is taken, and changes nothing', async () => {
      await catalogue().create('taken', { title: 'First', content: bytes(1) });
      await log().append('typed-into', bytes(2));
      expect(await catalogue().create('taken', { title: 'Second', content: bytes(9) })).toBeNull();
      expect(await catalogue().create('typed-into', { title: 'Second', content: bytes(9) })).toBeNull();
      expect((await catalogue().info('taken'))?.title).toBe('First');
      expect((await log().load('typed-into'))?.updates).toEqual([bytes(2)]);
    });

    it('lists a document first stored by an append, with no title', async () => {
      await log().append('typed', bytes(1, 2));
      const now = fixture.clock.now;
      expect(await catalogue().list()).toEqual([
        { name: 'typed', title: null, createdAt: now, updatedAt: now, bytes: 2, deletedAt: null },
      ]);
    });

    it('lists documents most recently changed first, then by name, with their stored size', async () => {
      await log().append('older', bytes(1, 2));
      fixture.clock.advance(5_000);
      await log().append('newer', bytes(1, 2, 3));
      await log().append('also-newer', bytes(1));
      const list = await catalogue().list();
      expect(list.map((d) => d.name)).toEqual(['also-newer', 'newer', 'older']);
      expect(list[1]).toMatchObject({ name: 'newer', bytes: 3, updatedAt: fixture.clock.now });
    });

    it('moves a document’s update time with every append, even within the same second', async () => {
      await log().append('d', bytes(1));
      const createdAt = fixture.clock.now;
      fixture.clock.advance(10);
      await log().append('d', bytes(2));
      fixture.clock.advance(300);
      await log().append('d', bytes(3));
      expect(await catalogue().info('d')).toMatchObject({ createdAt, updatedAt: createdAt + 310, bytes: 3 });
    });

    it('reports size after compaction as snapshot plus remaining log', async () => {
      const seq = await log().append('d', bytes(1, 2, 3, 4));
      await log().append('d', bytes(5));
      await log().compact('d', bytes(1, 2), SV, seq);
      expect((await catalogue().info('d'))?.bytes).toBe(2 + 1);
    });

    it('records a title for listing, and ignores one for an unknown document', async () => {
      await log().append('d', bytes(1));
      expect((await catalogue().info('d'))?.title).toBeNull();
      await catalogue().setTitle('d', 'Quarterly plan');
      await catalogue().setTitle('ghost', 'Nobody');
      expect((await catalogue().info('d'))?.title).toBe('Quarterly plan');
      expect((await catalogue().list()).map((d) => d.name)).toEqual(['d']);
    });

    it('deletes a document with its snapshot and log; a new one may not take the name', async () => {
      const seq = await log().append('d', bytes(1));
      await log().compact('d', bytes(1), SV, seq);
      await log().append('d', bytes(2));
      await log().append('kept', bytes(3));
      await catalogue().trash('d');
      expect(await catalogue().delete('d')).toBe(true);
      expect(await catalogue().delete('d')).toBe(false);
      expect(await catalogue().info('d')).toBeNull();
      expect(await log().load('d')).toBeNull();
      expect((await catalogue().list()).map((d) => d.name)).toEqual(['kept']);
      expect(await catalogue().create('d', { title: 'Again', content: bytes(4) })).toBeNull();
      expect(await log().load('d')).toBeNull();
    });

    it('rejects work after close', async () => {
      await fixture.storage.close();
      await expect(catalogue().list()).rejects.toThrow(/closed/);
      await expect(catalogue().create('d', { title: null, content: bytes(1) })).rejects.toThrow(/closed/);
    });
  });
}
