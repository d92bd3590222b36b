/**
 * The update log: per document, one snapshot (a Yjs update) plus the updates appended after
 * it, each with its sequence number. This is what rooms load, append to and compact.
 *
 * Every implementation passes `tests/unit/storage/docLogContract.ts`.
 */

/** What the log holds for one document. */
export interface StoredDocument {
  /** The compacted state (a Yjs update), or null when the log was never compacted. */
  snapshot: Uint8Array | null;
  /** The snapshot's state vector, stored with it so a fresh client can be answered without decoding it. */
  snapshotStateVector: Uint8Array | null;
  /** Updates appended after the snapshot, oldest first. */
  updates: Uint8Array[];
  /**
   * Sequence number of the newest entry this state holds: the last update's, or, with no
   * update after the snapshot, the last one the snapshot covers (0 for none).
   */
  lastSeq: number;
}

/** One log entry with its sequence number. */
export interface LogEntry {
  seq: number;
  update: Uint8Array;
}

/**
 * What the log holds after a given sequence number (`DocLog.readAfter`): the entries after
 * it, and the snapshot when a compaction has folded (and deleted) some of those entries.
 */
export interface LogTail {
  /** The snapshot and the last number it covers, when that is past the number asked for. */
  snapshot: { update: Uint8Array; throughSeq: number } | null;
  /** Entries after the number asked for (and after the snapshot), oldest first. */
  entries: LogEntry[];
}

export interface DocLog {
  /** Snapshot plus newer entries, or null for a document never stored. */
  load(name: string): Promise<StoredDocument | null>;

  /**
   * Durably appends one update and resolves with its sequence number once committed.
   * Numbers are per document: 1 for a new document's first entry, then one more for each
   * append, never reused (not even after compaction). The order of the numbers is the commit
   * order, and appends resolve in that order. Appending to an unknown document creates it
   * (stock y-websocket clients create documents by editing them). PostgreSQL rejects an
   * append to a purged name with `DocumentPurgedError`: there another instance may not have
   * heard of the purge yet. (One instance closes the rooms before it purges, so the embedded
   * backends never see one.)
   */
  append(name: string, update: Uint8Array): Promise<number>;

  /**
   * Atomically replaces the snapshot (and its state vector) and deletes the entries with a
   * sequence number up to `throughSeq`. The caller guarantees `snapshot` contains them.
   */
  compact(name: string, snapshot: Uint8Array, stateVector: Uint8Array, throughSeq: number): Promise<void>;

  /**
   * What was committed after `afterSeq` (for an instance that missed some of another's
   * entries), read atomically: entries a concurrent compaction deleted come back inside the
   * snapshot. Null for a document never stored.
   */
  readAfter(name: string, afterSeq: number): Promise<LogTail | null>;

  /** The newest sequence number given out for each of these documents (absent: never stored). */
  lastSeqs(names: readonly string[]): Promise<Map<string, number>>;

  /** Commits appends still waiting for their group commit. */
  flush(): Promise<void>;
}
