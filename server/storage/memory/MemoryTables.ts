/** One document as the memory backend keeps it. */
interface MemoryDocument {
  title: string | null;
  createdAt: number;
  updatedAt: number;
  /** When it was moved to the trash; null when it is not there. */
  deletedAt: number | null;
  snapshot: Uint8Array | null;
  stateVector: Uint8Array | null;
  /** The newest sequence number given out for this document, kept past compaction. */
  lastSeq: number;
  /** The last sequence number the snapshot covers (0 without one). */
  snapshotThroughSeq: number;
  log: { seq: number; update: Uint8Array }[];
}

/** What the memory log and catalogue share, as the SQLite ones share a database. */
export class MemoryTables {
  readonly documents = new Map<string, MemoryDocument>();
  private closed = false;

  close(): void {
    this.closed = true;
  }

  assertOpen(): void {
    if (this.closed) throw new Error('storage is closed');
  }

  /** Adds an empty document. */
  add(name: string, now: number, title: string | null): MemoryDocument {
    const doc: MemoryDocument = {
      title,
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
      snapshot: null,
      stateVector: null,
      lastSeq: 0,
      snapshotThroughSeq: 0,
      log: [],
    };
    this.documents.set(name, doc);
    return doc;
  }

  /** Appends one entry and returns its sequence number. Copies: callers cannot mutate stored bytes. */
  append(doc: MemoryDocument, update: Uint8Array, now: number): number {
    const seq = ++doc.lastSeq;
    doc.log.push({ seq, update: update.slice() });
    doc.updatedAt = now;
    return seq;
  }
}
