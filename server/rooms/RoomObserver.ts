import type * as Y from 'yjs';

/**
 * Something outside a room that follows its document without being part of the room: the
 * editor's title mirror today, automatic versions tomorrow. One is made per loaded room.
 */
export interface RoomObserver {
  /** The Y.Doc holds the stored document (after the load, or after the deferred decode). */
  loaded(doc: Y.Doc): void;
  /** One group commit of this instance's clients' updates was applied to the Y.Doc. */
  committed(doc: Y.Doc): void;
}

/** Makes the observer of the room of one document. */
export type RoomObserverFactory = (name: string) => RoomObserver;
