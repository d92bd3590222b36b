/**
 * Persistent storage of Yjs documents as a snapshot plus an append-only log of updates.
 *
 * Every implementation passes the shared contract suite in
 * `tests/unit/storage/docStoreContract.ts`.
 */

/** What is stored for one document. */
export interface StoredDocument {
  /** The compacted state (a Yjs update), or null when the log was never compacted. */
  snapshot: Uint8Array | null;
  /** The snapshot's state vector, stored with it so a fresh client can be answered without decoding it. */
  snapshotStateVector: Uint8Array | null;
  /** Updates appended after the snapshot, oldest first. */
  updates: Uint8Array[];
  /** Sequence number of the newest update in `updates` (0 when there is none). */
  lastSeq: number;
}

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
}

export interface DocStore {
  /** Snapshot plus newer log entries, or null for a document never stored. */
  load(name: string): Promise<StoredDocument | null>;

  /**
   * Durably appends one update and resolves with its sequence number once committed.
   * Sequence numbers increase in commit order, and appends resolve in that order.
   */
  append(name: string, update: Uint8Array): Promise<number>;

  /**
   * Atomically replaces the snapshot (and its state vector) and deletes the log entries with
   * a sequence number up to `throughSeq`. The caller guarantees `snapshot` contains them.
   */
  compact(name: string, snapshot: Uint8Array, stateVector: Uint8Array, throughSeq: number): Promise<void>;

  /** Records the title mirrored from a stored document (no-op for an unknown document). */
  setTitle(name: string, title: string | null): Promise<void>;

  /** Stored documents, most recently changed first. */
  list(): Promise<DocumentInfo[]>;

  /** One stored document's listing, or null. */
  info(name: string): Promise<DocumentInfo | null>;

  /** Commits appends still waiting for their group commit. */
  flush(): Promise<void>;

  /** Flushes and releases the store; later calls reject. */
  close(): Promise<void>;
}
