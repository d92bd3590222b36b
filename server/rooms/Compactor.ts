import * as Y from 'yjs';
import type { Logger } from '../logger.ts';
import type { RoomMetrics } from '../metrics/RoomMetrics.ts';
import type { DocLog, StoredDocument } from '../storage/DocLog.ts';
import type { RoomDocument } from './RoomDocument.ts';
import type { SizeQuota } from './SizeQuota.ts';

interface CompactorOptions {
  name: string;
  log: DocLog;
  logger: Logger;
  document: RoomDocument;
  quota: SizeQuota;
  /** Log entries after which the log is folded into the snapshot. */
  compactAfterUpdates: number;
  metrics: RoomMetrics;
}

/**
 * Folds a room's log into its snapshot: every `compactAfterUpdates` entries (the first time
 * somewhat sooner, see `threshold`) and when the room unloads. The snapshot is encoded from the room's own Y.Doc (never `Y.mergeUpdates`,
 * which turns quadratic on many small updates), and covers exactly the entries applied to
 * it, so the log may drop those. One compaction at a time.
 */
export class Compactor {
  /** Log entries written since the last snapshot. */
  private logLength: number;
  /**
   * Every entry up to this number is in the Y.Doc: compaction may drop up to it. Not the
   * highest number applied: with several instances writing one document, numbers between
   * this room's own may belong to another instance's updates, which this Y.Doc lacks until
   * they are applied here too; dropping them would lose them.
   */
  private appliedThroughSeq: number;
  /** Numbers applied beyond `appliedThroughSeq`, waiting for the ones before them. */
  private readonly appliedAhead = new Set<number>();
  private running: Promise<void> | null = null;
  /**
   * Log entries after which the next compaction starts. The first threshold is drawn between
   * half of `compactAfterUpdates` and all of it; later ones are the whole setting. Rooms that
   * load together and are typed into at the same pace (a restart, a load test) would
   * otherwise all reach the threshold in the same second and compact back to back on the
   * event loop: measured as a 10 to 14 s stall with 1,000 documents. The draw spreads them
   * over half a period and they stay spread.
   */
  private threshold: number;

  constructor(
    private readonly options: CompactorOptions,
    stored: StoredDocument | null,
    random: () => number = Math.random,
  ) {
    this.logLength = stored?.updates.length ?? 0;
    this.appliedThroughSeq = stored?.lastSeq ?? 0;
    const { compactAfterUpdates } = options;
    const earliest = Math.ceil(compactAfterUpdates / 2);
    this.threshold = earliest + Math.floor(random() * (compactAfterUpdates - earliest + 1));
  }

  /** An entry with this sequence number was applied to the Y.Doc. */
  applied(seq: number): void {
    this.logLength++;
    if (seq <= this.appliedThroughSeq) return;
    this.appliedAhead.add(seq);
    while (this.appliedAhead.delete(this.appliedThroughSeq + 1)) this.appliedThroughSeq++;
  }

  /** True when the entry with this number is in the Y.Doc. */
  has(seq: number): boolean {
    return seq <= this.appliedThroughSeq || this.appliedAhead.has(seq);
  }

  /** Every entry up to this number is in the Y.Doc. */
  get appliedThrough(): number {
    return this.appliedThroughSeq;
  }

  /**
   * The lowest number applied past a missing one, or null when there is no gap: entries up
   * to it minus one are missing (another instance's, still on the way or lost).
   */
  get firstAhead(): number | null {
    let lowest: number | null = null;
    for (const seq of this.appliedAhead) if (lowest === null || seq < lowest) lowest = seq;
    return lowest;
  }

  /** A snapshot covering every entry through `seq` was applied (a repair from the log). */
  appliedSnapshotThrough(seq: number): void {
    if (seq <= this.appliedThroughSeq) return;
    this.appliedThroughSeq = seq;
    for (const ahead of this.appliedAhead) if (ahead <= seq) this.appliedAhead.delete(ahead);
    while (this.appliedAhead.delete(this.appliedThroughSeq + 1)) this.appliedThroughSeq++;
  }

  /** Starts a compaction when the log has grown long enough. */
  compactIfDue(): void {
    if (this.logLength >= this.threshold) void this.compact();
  }

  /**
   * Compacts unless the log is empty (after an unload's last appends settled). A compaction
   * already under way covers only what was applied when it started: with a store whose
   * compaction takes a round trip (PostgreSQL), the last entries would otherwise stay in the
   * log and the next load would have to decode the document instead of serving its snapshot.
   */
  async compactIfAny(): Promise<void> {
    while (this.logLength > 0) {
      const before = this.logLength;
      await this.compact();
      if (this.logLength >= before) return; // it failed (and said so); the log stays as it is
    }
  }

  private compact(): Promise<void> {
    if (this.running !== null) return this.running;
    const { name, log, logger, document, quota, metrics } = this.options;
    const startedAt = performance.now();
    const covered = this.logLength;
    const coveredBytes = quota.logBytes;
    const throughSeq = this.appliedThroughSeq;
    const doc = document.materialized();
    const snapshot = Y.encodeStateAsUpdate(doc);
    this.running = log
      .compact(name, snapshot, Y.encodeStateVector(doc), throughSeq)
      .then(
        () => {
          this.logLength -= covered;
          this.threshold = this.options.compactAfterUpdates;
          quota.compacted(snapshot.byteLength, coveredBytes);
          metrics.compaction(performance.now() - startedAt, true);
        },
        (error: unknown) => {
          metrics.compaction(performance.now() - startedAt, false);
          metrics.storageFailed('compact');
          logger.error({ err: error, doc: name }, 'compaction failed');
        },
      )
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }
}
