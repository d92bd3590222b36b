import { describe, expect, it } from 'vitest';
import { useStorage, type OpenStorage } from './storageFixture.ts';

const bytes = (...values: number[]) => Uint8Array.from(values);

/**
 * The trash every `DocCatalogue` keeps: a flag on the listing that `list` hides and
 * `listTrash` shows, until `restore` or `delete`. Called like `docCatalogueContract`.
 */
export function docTrashContract(label: string, open: OpenStorage): void {
  describe(`DocCatalogue trash contract: ${label}`, () => {
    const fixture = useStorage(open);
    const catalogue = () => fixture.storage.catalogue;
    const log = () => fixture.storage.log;

    it('moves a document to the trash: hidden from the list, content kept', async () => {
      await log().append('kept', bytes(1));
      await log().append('binned', bytes(2, 3));
      fixture.clock.advance(1_000);
      expect(await catalogue().trash('binned')).toBe(true);
      expect((await catalogue().list()).map((d) => d.name)).toEqual(['kept']);
      const trashed = await catalogue().info('binned');
      expect(trashed).toMatchObject({ name: 'binned', bytes: 2, deletedAt: fixture.clock.now });
      expect(await catalogue().listTrash()).toEqual([trashed]);
      expect((await log().load('binned'))?.updates).toEqual([bytes(2, 3)]);
    });

    it('refuses to trash a document twice or one that does not exist', async () => {
      await log().append('d', bytes(1));
      expect(await catalogue().trash('d')).toBe(true);
      expect(await catalogue().trash('d')).toBe(false);
      expect(await catalogue().trash('ghost')).toBe(false);
      expect(await catalogue().restore('ghost')).toBe(false);
    });

    it('lists the trash most recently deleted first', async () => {
      await log().append('first', bytes(1));
      await log().append('second', bytes(1));
      await catalogue().trash('first');
      fixture.clock.advance(60_000);
      await catalogue().trash('second');
      expect((await catalogue().listTrash()).map((d) => d.name)).toEqual(['second', 'first']);
    });

    it('restores a document with its content, listed again', async () => {
      await log().append('d', bytes(7));
      await catalogue().trash('d');
      expect(await catalogue().restore('d')).toBe(true);
      expect(await catalogue().restore('d')).toBe(false);
      expect(await catalogue().listTrash()).toEqual([]);
      expect(await catalogue().list()).toMatchObject([{ name: 'd', deletedAt: null, bytes: 1 }]);
      expect((await log().load('d'))?.updates).toEqual([bytes(7)]);
    });

    it('keeps a trashed name taken, and purging it frees log and listing', async () => {
      await log().append('d', bytes(1));
      await catalogue().trash('d');
      expect(await catalogue().create('d', { title: null, content: bytes(2) })).toBeNull();
      expect(await catalogue().delete('d')).toBe(true);
      expect(await catalogue().listTrash()).toEqual([]);
      expect(await catalogue().info('d')).toBeNull();
      expect(await log().load('d')).toBeNull();
    });

    it('deletes only a document in the trash: one restored meanwhile keeps everything', async () => {
      await log().append('d', bytes(1));
      expect(await catalogue().delete('d')).toBe(false);
      await catalogue().trash('d');
      await catalogue().restore('d');
      expect(await catalogue().delete('d')).toBe(false);
      expect(await catalogue().info('d')).toMatchObject({ deletedAt: null });
      expect((await log().load('d'))?.updates).toEqual([bytes(1)]);
      expect(await catalogue().purgedAt('d')).toBeNull();
      expect(await log().append('d', bytes(2))).toBe(2);
    });

    it('with trashedBy, deletes only a document in the trash since then', async () => {
      await log().append('d', bytes(1));
      const chosenAt = fixture.clock.now;
      fixture.clock.advance(1_000);
      await catalogue().trash('d');
      expect(await catalogue().delete('d', chosenAt)).toBe(false);
      expect(await catalogue().info('d')).toMatchObject({ deletedAt: fixture.clock.now });
      expect(await catalogue().delete('d', fixture.clock.now)).toBe(true);
    });

    it('remembers a purged name with the time of the purge, and never gives it to a new document', async () => {
      await log().append('d', bytes(1));
      await catalogue().trash('d');
      expect(await catalogue().purgedAt('d')).toBeNull(); // in the trash is not purged
      fixture.clock.advance(5_000);
      const purgedAt = fixture.clock.now;
      await catalogue().delete('d');
      fixture.clock.advance(5_000);
      expect(await catalogue().purgedAt('d')).toBe(purgedAt);
      expect(await catalogue().create('d', { title: 'Again', content: bytes(2) })).toBeNull();
      expect(await catalogue().info('d')).toBeNull();
      expect(await catalogue().restore('d')).toBe(false);
      expect(await catalogue().purgedAt('never-existed')).toBeNull();
      // Deleting a name with no document behind it does not mark it purged.
      expect(await catalogue().delete('never-existed')).toBe(false);
      expect(await catalogue().purgedAt('never-existed')).toBeNull();
    });
  });
}
