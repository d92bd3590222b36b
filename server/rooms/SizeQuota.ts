import type { StoredDocument } from '../storage/DocLog.ts';

/**
 * The document size limit. It counts what is stored (snapshot and log) plus what has been
 * accepted but not yet committed, so that a burst of updates within one group commit cannot
 * overshoot it. An update that would pass it is refused before it is stored.
 */
export class SizeQuota {
  private inflightBytes = 0;

  private constructor(
    readonly limit: number,
    private snapshotBytes: number,
    private storedLogBytes: number,
  ) {}

  static forStored(limit: number, stored: StoredDocument | null): SizeQuota {
    const logBytes = stored?.updates.reduce((sum, update) => sum + update.byteLength, 0) ?? 0;
    return new SizeQuota(limit, stored?.snapshot?.byteLength ?? 0, logBytes);
  }

  /** Bytes of log entries stored after the snapshot. */
  get logBytes(): number {
    return this.storedLogBytes;
  }

  /** Counts an update about to be appended; false (and nothing counted) when it would not fit. */
  tryReserve(bytes: number): boolean {
    if (this.snapshotBytes + this.storedLogBytes + this.inflightBytes + bytes > this.limit) return false;
    this.inflightBytes += bytes;
    return true;
  }

  /** A reserved update was committed: it is now part of the log. */
  committed(bytes: number): void {
    this.inflightBytes -= bytes;
    this.storedLogBytes += bytes;
  }

  /** Another instance committed an update to this document: it is part of the log too. */
  storedElsewhere(bytes: number): void {
    this.storedLogBytes += bytes;
  }

  /** A reserved update failed to commit. */
  released(bytes: number): void {
    this.inflightBytes -= bytes;
  }

  /** A compaction replaced `coveredLogBytes` of log with a snapshot of `snapshotBytes`. */
  compacted(snapshotBytes: number, coveredLogBytes: number): void {
    this.snapshotBytes = snapshotBytes;
    this.storedLogBytes -= coveredLogBytes;
  }
}
