import type { Storage } from '../storage/Storage.ts';
import { blobHashesInUpdate } from './blobSources.ts';

/** The name the schema migration records this backfill under. */
export const IMAGE_REFERENCES_BACKFILL = 'image-references';

/** What a backfill did, for the log line. */
export interface ImageReferencesFound {
  documents: number;
  /** Pairs of a document and an image it shows (recorded if the image is stored). */
  references: number;
}

/**
 * Records, for every stored document (the trash included), the images its stored content
 * shows: the snapshot, every update in the log, and every version, since a restore brings a
 * version's images back. Until 2026-12-05 only an upload recorded a reference, so an image
 * pasted into another document was referenced by the document it was uploaded to alone, and
 * purging that one would have deleted it where it had been pasted. Idempotent.
 */
export async function backfillImageReferences(
  storage: Pick<Storage, 'catalogue' | 'log' | 'versions' | 'blobs'>,
): Promise<ImageReferencesFound> {
  const documents = [...(await storage.catalogue.list()), ...(await storage.catalogue.listTrash())];
  let references = 0;
  // One document at a time: only one document's updates are in memory at once.
  for (const { name } of documents) {
    const shown = new Set<string>();
    const collect = (update: Uint8Array) => {
      for (const hash of blobHashesInUpdate(update)) shown.add(hash);
    };
    const stored = await storage.log.load(name);
    if (stored?.snapshot) collect(stored.snapshot);
    stored?.updates.forEach(collect);
    for (const { id } of await storage.versions.list(name)) {
      const version = await storage.versions.get(name, id);
      if (version !== null) collect(version.update);
    }
    if (shown.size > 0) await storage.blobs.addReferences(name, [...shown]);
    references += shown.size;
  }
  return { documents: documents.length, references };
}
