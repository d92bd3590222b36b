import type * as Y from 'yjs';
import type { Logger } from '../logger.ts';
import type { RoomObserver, RoomObserverFactory } from './RoomObserver.ts';
import type { BlobStore } from '../storage/BlobStore.ts';

/**
 * Records that a room's document references the stored images its commits write, whoever
 * wrote them (the editor, a stock Yjs client, a restore): an image pasted from another
 * document must outlive a purge of the document it was uploaded to. Only the instance that
 * committed an update sees it here, so each reference is recorded once.
 */
class ImageReferences implements RoomObserver {
  private readonly writing = new Set<Promise<void>>();

  constructor(
    private readonly name: string,
    private readonly blobs: Pick<BlobStore, 'addReferences'>,
    private readonly logger: Logger,
  ) {}

  loaded(): void {}

  committed(_doc: Y.Doc, _authors: ReadonlySet<string>, blobHashes: ReadonlySet<string>): void {
    if (blobHashes.size === 0) return;
    const write = this.blobs
      .addReferences(this.name, [...blobHashes])
      .catch((error: unknown) =>
        this.logger.error({ err: error, doc: this.name }, 'could not record the images a document shows'),
      );
    this.writing.add(write);
    void write.finally(() => this.writing.delete(write));
  }

  /** Before the room unloads (and the storage closes at shutdown): the references are written. */
  async flush(): Promise<void> {
    await Promise.all(this.writing);
  }
}

/** Follows every room, recording the images each document's commits show. */
export function referenceImages(
  blobs: Pick<BlobStore, 'addReferences'>,
  logger: Logger,
): RoomObserverFactory {
  return (name) => new ImageReferences(name, blobs, logger);
}
