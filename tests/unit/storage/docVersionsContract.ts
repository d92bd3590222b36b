import { describe, expect, it } from 'vitest';
import type { DocVersions, NewVersion } from '../../../server/storage/DocVersions.ts';
import { bytes, useStorage, type OpenStorage } from './storageFixture.ts';

const auto = (update: Uint8Array, authors: string[] = []): NewVersion => ({
  kind: 'auto',
  name: null,
  authors,
  update,
});

/**
 * Behaviour every `DocVersions` must have: versions kept per document with their metadata
 * and bytes, listed newest first, fetched only through their own document, removable one by
 * one and with their document. Called like `docLogContract`.
 */
export function docVersionsContract(label: string, open: OpenStorage): void {
  describe(`DocVersions contract: ${label}`, () => {
    const fixture = useStorage(open);
    const versions = (): DocVersions => fixture.storage.versions;

    it('keeps a version with its kind, name, authors, size and time, and gives its bytes back', async () => {
      const added = await versions().add('doc', {
        kind: 'named',
        name: 'Sent on Tuesday',
        authors: ['Ada', 'Grace'],
        update: bytes(1, 2, 3),
      });
      expect(added).toEqual({
        id: expect.any(String),
        createdAt: fixture.clock.now,
        kind: 'named',
        name: 'Sent on Tuesday',
        authors: ['Ada', 'Grace'],
        bytes: 3,
      });
      expect(await versions().get('doc', added.id)).toEqual({ ...added, update: bytes(1, 2, 3) });
      expect(await versions().list('doc')).toEqual([added]);
    });

    it('lists newest first, and the newest is the latest', async () => {
      const first = await versions().add('doc', auto(bytes(1)));
      fixture.clock.advance(1000);
      const second = await versions().add('doc', auto(bytes(2), ['Ada']));
      // Two in the same millisecond: the one added last is newer.
      const third = await versions().add('doc', {
        kind: 'restore',
        name: null,
        authors: [],
        update: bytes(3),
      });
      expect((await versions().list('doc')).map((v) => v.id)).toEqual([third.id, second.id, first.id]);
      expect(await versions().latest('doc')).toMatchObject({ id: third.id, update: bytes(3) });
      expect(await versions().latest('other')).toBeNull();
    });

    it('finds a version only through its own document, and no version under a malformed id', async () => {
      const added = await versions().add('doc', auto(bytes(1)));
      expect(await versions().get('other', added.id)).toBeNull();
      expect(await versions().get('doc', '999999')).toBeNull();
      for (const id of ['', 'abc', '1; DROP TABLE versions', '-1', '1e3', '99999999999999999999']) {
        expect(await versions().get('doc', id)).toBeNull();
      }
      expect(await versions().list('other')).toEqual([]);
    });

    it('removes the versions asked for, only of that document', async () => {
      const a = await versions().add('doc', auto(bytes(1)));
      const b = await versions().add('doc', auto(bytes(2)));
      const elsewhere = await versions().add('other', auto(bytes(3)));
      expect(await versions().remove('doc', [a.id, elsewhere.id, 'nonsense'])).toBe(1);
      expect((await versions().list('doc')).map((v) => v.id)).toEqual([b.id]);
      expect(await versions().get('other', elsewhere.id)).not.toBeNull();
      expect(await versions().remove('doc', [])).toBe(0);
    });

    it('removes every version of a purged document and nothing else', async () => {
      await versions().add('doc', auto(bytes(1)));
      await versions().add('doc', auto(bytes(2)));
      await versions().add('other', auto(bytes(3)));
      expect(await versions().removeDocument('doc')).toBe(2);
      expect(await versions().list('doc')).toEqual([]);
      expect(await versions().list('other')).toHaveLength(1);
    });

    it('copies bytes in and out: changing them later does not change the version', async () => {
      const update = bytes(1, 2);
      const added = await versions().add('doc', auto(update));
      update[0] = 9;
      const stored = await versions().get('doc', added.id);
      stored!.update[1] = 9;
      expect((await versions().get('doc', added.id))?.update).toEqual(bytes(1, 2));
    });
  });
}
