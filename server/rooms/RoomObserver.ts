import type * as Y from 'yjs';

/**
 * Something outside a room that follows its document without being part of the room: the
 * editor's title mirror and automatic versions. One is made per loaded room.
 */
export interface RoomObserver {
  /** The Y.Doc holds the stored document (after the load, or after the deferred decode). */
  loaded(doc: Y.Doc): void;
  /**
   * One group commit of this instance's updates was applied to the Y.Doc. `authors`: the
   * awareness names of the connections whose updates it held (none for a server-made change);
   * `blobHashes`: the stored-image URLs (`/blobs/<hash>`) its updates wrote (blobs/blobSources.ts).
   */
  committed(doc: Y.Doc, authors: ReadonlySet<string>, blobHashes: ReadonlySet<string>): void;
  /** The room is flushing before it unloads: finish what is pending. */
  flush?(): Promise<void>;
  /** The room is gone; release what is held for it. */
  destroyed?(): void;
}

/** Makes the observer of the room of one document. */
export type RoomObserverFactory = (name: string) => RoomObserver;
