import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CONTENT_FRAGMENT } from '../../../shared/documentModel.ts';
import { backfillImageReferences } from '../../../server/backfills/imageReferences.ts';
import { createMemoryStorage } from '../../../server/storage/memory/createMemoryStorage.ts';

const PNG = { bytes: Uint8Array.of(0x89, 0x50, 0x4e, 0x47), type: 'image/png' };
const hashOf = (n: number) => n.toString(16).padStart(64, '0');
const urlOf = (n: number) => `/blobs/${hashOf(n)}`;

/** A Yjs update of a whole document whose content shows these image sources. */
function contentShowing(...sources: string[]): Uint8Array {
  const doc = new Y.Doc();
  doc.getXmlFragment(CONTENT_FRAGMENT).insert(
    0,
    sources.map((src) => {
      const image = new Y.XmlElement('image');
      image.setAttribute('src', src);
      return image;
    }),
  );
  return Y.encodeStateAsUpdate(doc);
}

/**
 * Storage as a server before 2026-12-05 left it: images 1 to 5 uploaded to "uploads" (the
 * only document referencing them), and shown elsewhere in every way a document can hold
 * one, without a reference.
 */
async function storageBeforeReferences() {
  const storage = createMemoryStorage();
  for (let n = 1; n <= 5; n++) await storage.blobs.put('uploads', hashOf(n), PNG);
  const create = (name: string, content: Uint8Array) =>
    storage.catalogue.create(name, { title: null, content });
  // In its first log entry, and absolute, as a browser pastes it.
  await create('created-with', contentShowing(`https://ink.example${urlOf(1)}`));
  // In a later log entry, beside an image of no stored blob.
  await create('typed-into', contentShowing());
  await storage.log.append('typed-into', contentShowing(urlOf(2), urlOf(99)));
  // In the snapshot of a compacted log.
  await create('compacted', contentShowing());
  const snapshot = contentShowing(urlOf(3));
  await storage.log.compact('compacted', snapshot, Y.encodeStateVectorFromUpdate(snapshot), 1);
  // Only in a version: removed from the document since, and a restore would bring it back.
  await create('in-a-version', contentShowing());
  await storage.versions.add('in-a-version', {
    kind: 'auto',
    name: null,
    authors: [],
    update: contentShowing(urlOf(4)),
  });
  // In a document in the trash, which can still be restored.
  await create('in-the-trash', contentShowing(urlOf(5)));
  await storage.catalogue.trash('in-the-trash');
  await create('no-images', contentShowing());
  return storage;
}

describe('backfillImageReferences', () => {
  it('records every image a stored document shows, so a purge of the uploader keeps them', async () => {
    const storage = await storageBeforeReferences();

    expect(await backfillImageReferences(storage)).toEqual({
      documents: 6,
      imagesShown: 6,
      unreadableUpdates: 0,
    });

    await storage.blobs.releaseDocument('uploads');
    for (let n = 1; n <= 5; n++) expect(await storage.blobs.has(hashOf(n))).toBe(true);
    // Each is referenced by the document that shows it, and by no other.
    const showing = ['created-with', 'typed-into', 'compacted', 'in-a-version', 'in-the-trash'];
    for (const [i, doc] of showing.entries()) {
      expect(await storage.blobs.releaseDocument(doc)).toBe(1);
      expect(await storage.blobs.has(hashOf(i + 1))).toBe(false);
    }
  });

  it('skips a stored update that does not decode, as loading the document does, and reads the rest', async () => {
    const storage = await storageBeforeReferences();
    await storage.log.append('typed-into', Uint8Array.of(0xff, 0xff, 0xff));
    await storage.log.append('typed-into', contentShowing(urlOf(1)));

    expect(await backfillImageReferences(storage)).toMatchObject({ unreadableUpdates: 1 });
    await storage.blobs.releaseDocument('uploads');
    await storage.blobs.releaseDocument('created-with');
    expect(await storage.blobs.has(hashOf(1))).toBe(true);
  });

  it('running twice records nothing more', async () => {
    const storage = await storageBeforeReferences();
    await backfillImageReferences(storage);
    await backfillImageReferences(storage);
    await storage.blobs.releaseDocument('uploads');
    expect(await storage.blobs.releaseDocument('created-with')).toBe(1);
  });
});
