import * as Y from 'yjs';
import type { Logger } from '../logger.ts';
import type { RoomMetrics } from '../metrics/RoomMetrics.ts';
import type { DocLog, LogEntry } from '../storage/DocLog.ts';
import type { Compactor } from './Compactor.ts';
import { REMOTE_ORIGIN } from './origins.ts';
import type { RoomDocument } from './RoomDocument.ts';
import type { SizeQuota } from './SizeQuota.ts';

interface RemoteEntriesOptions {
  name: string;
  log: DocLog;
  logger: Logger;
  document: RoomDocument;
  compactor: Compactor;
  quota: SizeQuota;
  metrics: RoomMetrics;
  /**
   * How long a gap in the numbers may stay open before the log is read. Short, but not zero:
   * with two instances writing, A's entry 7 is applied here at once while B's 6 is still on
   * its way through Redis, and reading the log for every such moment would cost a query per
   * keystroke.
   */
  gapRepairDelayMs: number;
}

/**
 * The entries of a room's document that other instances committed: applied when the bus
 * brings them, and read back from the log when it does not (a lost message, a Redis
 * reconnect, Redis away). The log is the truth; the bus only makes the common case fast.
 *
 * Entries are applied as soon as they arrive, even past a gap: Yjs updates commute (one
 * whose dependencies are missing waits inside the Y.Doc until they come), so order matters
 * only for the bookkeeping, which the Compactor keeps: it compacts only through the highest
 * number below which every entry is here. Entries come from the log, so they are never
 * stored again, and are tagged `remote`, so they are never re-published.
 */
export class RemoteEntries {
  private repairing: Promise<void> | null = null;
  private repairAgain = false;
  private gapTimer: NodeJS.Timeout | null = null;
  /** The log's newest number at the previous periodic check (see `checkLatest`). */
  private reportedLatest = 0;
  private stopped = false;

  constructor(private readonly options: RemoteEntriesOptions) {}

  /** Entries another instance published: applies the ones this room lacks. */
  receive(entries: readonly LogEntry[]): void {
    this.apply(entries);
    this.noticeGap();
  }

  /**
   * Called after anything was applied: when a number is missing below an applied one, waits
   * `gapRepairDelayMs` for it and reads the log if it has not come by then.
   */
  noticeGap(): void {
    const { compactor, gapRepairDelayMs } = this.options;
    if (this.gapTimer !== null || this.stopped) return;
    const firstAhead = compactor.firstAhead;
    if (firstAhead === null) return;
    this.gapTimer = setTimeout(() => {
      this.gapTimer = null;
      if (compactor.appliedThrough < firstAhead - 1) void this.repair();
      else this.noticeGap();
    }, gapRepairDelayMs);
    this.gapTimer.unref();
  }

  /**
   * The periodic check (several instances): the log's newest number for this document. A
   * number the log already had at the previous check and that is still missing here was
   * lost on the way (nothing after it would reveal the gap): read the log.
   */
  checkLatest(latest: number): void {
    if (this.options.compactor.appliedThrough < this.reportedLatest) void this.repair();
    this.reportedLatest = Math.max(this.reportedLatest, latest);
  }

  /**
   * Reads what the log has after the last contiguous number and applies what is missing.
   * One read at a time; a request during one runs another right after it.
   */
  repair(): Promise<void> {
    if (this.repairing !== null) {
      this.repairAgain = true;
      return this.repairing;
    }
    this.repairing = (async () => {
      do {
        this.repairAgain = false;
        await this.repairOnce();
      } while (this.repairAgain && !this.stopped);
    })().finally(() => {
      this.repairing = null;
    });
    return this.repairing;
  }

  /** Stops the timers (the room is unloading). */
  stop(): void {
    this.stopped = true;
    if (this.gapTimer !== null) clearTimeout(this.gapTimer);
    this.gapTimer = null;
  }

  private async repairOnce(): Promise<void> {
    const { name, log, logger, compactor, document, metrics } = this.options;
    const after = compactor.appliedThrough;
    let tail;
    try {
      tail = await log.readAfter(name, after);
    } catch (error) {
      metrics.storageFailed('load');
      logger.warn({ err: error, doc: name }, 'could not read missed entries from the log; retrying later');
      return;
    }
    if (tail === null || document.isDestroyed || this.stopped) return;
    const missing = tail.entries.filter((entry) => !compactor.has(entry.seq));
    const doc = document.materialized();
    doc.transact(() => {
      if (tail.snapshot !== null) {
        try {
          Y.applyUpdate(doc, tail.snapshot.update, REMOTE_ORIGIN);
        } catch (error) {
          logger.error({ err: error, doc: name }, 'a stored snapshot did not apply');
        }
        compactor.appliedSnapshotThrough(tail.snapshot.throughSeq);
      }
      this.applyEach(doc, missing);
    }, REMOTE_ORIGIN);
    metrics.gapRepaired(missing.length);
    this.noticeGap();
  }

  private apply(entries: readonly LogEntry[]): void {
    const { document, compactor } = this.options;
    const fresh = entries.filter((entry) => !compactor.has(entry.seq));
    if (fresh.length === 0 || document.isDestroyed || this.stopped) return;
    const doc = document.materialized();
    // One transaction: the batch reaches this room's sockets as one merged frame.
    doc.transact(() => this.applyEach(doc, fresh), REMOTE_ORIGIN);
  }

  private applyEach(doc: Y.Doc, entries: readonly LogEntry[]): void {
    const { compactor, quota, logger, name } = this.options;
    for (const { seq, update } of entries) {
      compactor.applied(seq);
      quota.storedElsewhere(update.byteLength);
      try {
        Y.applyUpdate(doc, update, REMOTE_ORIGIN);
      } catch (error) {
        // The instance that accepted it validated it; one that still fails is skipped, as a
        // load skips it, so that one bad entry cannot stall the document.
        logger.warn({ err: error, doc: name, seq }, 'an entry from another instance did not apply');
      }
    }
  }
}
