/**
 * The document catalogue: which documents exist, with what the document list shows about
 * them (title, times, size). A document exists from its creation (`create`, or the first
 * append to the log under a new name) until it is deleted.
 *
 * Every implementation passes `tests/unit/storage/docCatalogueContract.ts`.
 */

/** A stored document's listing. */
export interface DocumentInfo {
  name: string;
  /** The editor title mirrored from the document, or null. */
  title: string | null;
  /** Milliseconds since the epoch. */
  createdAt: number;
  /** Milliseconds since the epoch of the last appended update. */
  updatedAt: number;
  /** Bytes stored: snapshot plus log. */
  bytes: number;
  /** Milliseconds since the epoch when it was moved to the trash; null when it is not there. */
  deletedAt: number | null;
}

/** What a new document starts with. */
export interface NewDocument {
  title: string | null;
  /** The first log entry: the document's initial state, as one Yjs update. */
  content: Uint8Array;
}

export interface DocCatalogue {
  /**
   * Creates a document, its listing and its first log entry (sequence number 1), in one
   * transaction. Resolves null, writing nothing, when a document of that name exists or
   * was purged (a purged name is never given to a new document).
   */
  create(name: string, initial: NewDocument): Promise<DocumentInfo | null>;

  /** Stored documents not in the trash, most recently changed first (then by name). */
  list(): Promise<DocumentInfo[]>;

  /** Documents in the trash, most recently deleted first (then by name). */
  listTrash(): Promise<DocumentInfo[]>;

  /** One stored document's listing (in the trash or not), or null when it does not exist. */
  info(name: string): Promise<DocumentInfo | null>;

  /** Records the title mirrored from a document (no-op for an unknown document). */
  setTitle(name: string, title: string | null): Promise<void>;

  /**
   * Moves a document to the trash (its content stays, `list` hides it); resolves false when
   * there is no such document or it is in the trash already.
   */
  trash(name: string): Promise<boolean>;

  /** Takes a document out of the trash; resolves false when it was not there. */
  restore(name: string): Promise<boolean>;

  /**
   * Deletes a document in the trash for good: listing, snapshot and log, in one transaction
   * that also remembers the name as purged (`purgedAt`). Resolves false, deleting nothing,
   * when no document of that name is in the trash (restored a moment ago, say), or when
   * `trashedBy` is given and it went there after that time (restored and trashed again since
   * a sweep chose it). A loaded room must be closed first, or its next append would create
   * the document again. (The trash is a flag on the listing that `list` hides; this is what
   * emptying it does.)
   */
  delete(name: string, trashedBy?: number): Promise<boolean>;

  /**
   * When a document of this name was purged (milliseconds since the epoch; the latest purge),
   * or null when none was. Purged names are remembered for good, so that a link to one can
   * say so, and an old copy of the document cannot bring it back.
   */
  purgedAt(name: string): Promise<number | null>;
}
