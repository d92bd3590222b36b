import { blobHashesInUpdate } from '../blobs/blobSources.ts';
import type { Logger } from '../logger.ts';
import type { Storage } from '../storage/Storage.ts';

/** The name the schema migration records this backfill under. */
export const IMAGE_REFERENCES_BACKFILL = 'image-references';

/** How often a long backfill says how far it is. */
const PROGRESS_EVERY_MS = 10_000;

/** What a backfill did, for the log line. */
export interface ImageReferencesFound {
  documents: number;
  /** Pairs of a document and an image source it shows (referenced if the image is stored). */
  imagesShown: number;
  /** Stored updates that do not decode: a room skips them on load, and so does this. */
  unreadableUpdates: number;
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
  logger?: Logger,
): Promise<ImageReferencesFound> {
  const documents = [...(await storage.catalogue.list()), ...(await storage.catalogue.listTrash())];
  const found: ImageReferencesFound = { documents: documents.length, imagesShown: 0, unreadableUpdates: 0 };
  let saidAt = performance.now();
  // One document at a time: only one document's updates are in memory at once.
  for (const [done, { name }] of documents.entries()) {
    const shown = new Set<string>();
    const collect = (update: Uint8Array) => {
      try {
        for (const hash of blobHashesInUpdate(update)) shown.add(hash);
      } catch {
        found.unreadableUpdates++;
      }
    };
    const stored = await storage.log.load(name);
    if (stored?.snapshot) collect(stored.snapshot);
    stored?.updates.forEach(collect);
    for (const { id } of await storage.versions.list(name)) {
      const version = await storage.versions.get(name, id);
      if (version !== null) collect(version.update);
    }
    if (shown.size > 0) await storage.blobs.addReferences(name, [...shown]);
    found.imagesShown += shown.size;
    if (performance.now() - saidAt > PROGRESS_EVERY_MS) {
      saidAt = performance.now();
      logger?.info({ done, of: documents.length }, 'recording the images documents show');
    }
  }
  return found;
}
