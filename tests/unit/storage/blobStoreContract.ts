import { describe, expect, it } from 'vitest';
import type { BlobStore } from '../../../server/storage/BlobStore.ts';
import { useStorage, type OpenStorage } from './storageFixture.ts';

const PNG = { bytes: Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 1, 2, 3), type: 'image/png' };
const GIF = { bytes: Uint8Array.of(0x47, 0x49, 0x46, 9), type: 'image/gif' };
const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

/**
 * Behaviour every `BlobStore` must have: content-addressed put/get/has and references per
 * document, so that purging a document frees what nothing else uses. Called like
 * `docLogContract`, with a backend whose storage has `blobs`.
 */
export function blobStoreContract(label: string, open: OpenStorage): void {
  describe(`BlobStore contract: ${label}`, () => {
    const fixture = useStorage(open);
    const blobs = (): BlobStore => {
      if (fixture.storage.blobs === undefined) throw new Error(`${label} has no blob store`);
      return fixture.storage.blobs;
    };

    it('stores bytes under their hash and gives them back with their type', async () => {
      expect(await blobs().has(A)).toBe(false);
      expect(await blobs().get(A)).toBeNull();
      await blobs().put('doc', A, PNG);
      expect(await blobs().has(A)).toBe(true);
      expect(await blobs().get(A)).toEqual(PNG);
    });

    it('keeps the first bytes for a hash: a put is idempotent', async () => {
      await blobs().put('doc', A, PNG);
      await blobs().put('other', A, GIF);
      expect(await blobs().get(A)).toEqual(PNG);
    });

    it('releasing a document deletes only the blobs no other document references', async () => {
      await blobs().put('one', A, PNG);
      await blobs().put('two', A, PNG);
      await blobs().put('one', B, GIF);
      expect(await blobs().releaseDocument('one')).toBe(1);
      expect(await blobs().has(A)).toBe(true);
      expect(await blobs().has(B)).toBe(false);
      expect(await blobs().releaseDocument('two')).toBe(1);
      expect(await blobs().has(A)).toBe(false);
      expect(await blobs().releaseDocument('never-had-any')).toBe(0);
    });

    it('a document that shows a stored blob keeps it alive after the uploader is released', async () => {
      await blobs().put('uploader', A, PNG);
      await blobs().addReferences('pasted-into', [A]);
      await blobs().addReferences('pasted-into', [A]);
      expect(await blobs().releaseDocument('uploader')).toBe(0);
      expect(await blobs().get(A)).toEqual(PNG);
      expect(await blobs().releaseDocument('pasted-into')).toBe(1);
      expect(await blobs().has(A)).toBe(false);
    });

    it('references to hashes of no stored blob are ignored', async () => {
      await blobs().addReferences('doc', [B]);
      await blobs().addReferences('doc', []);
      // Uploaded later by another document: only that document keeps it.
      await blobs().put('uploader', B, GIF);
      expect(await blobs().releaseDocument('uploader')).toBe(1);
      expect(await blobs().has(B)).toBe(false);
      expect(await blobs().releaseDocument('doc')).toBe(0);
    });
  });
}
