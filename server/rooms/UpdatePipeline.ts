import * as Y from 'yjs';
import { CloseCode } from '../../shared/closeCodes.ts';
import type { Logger } from '../logger.ts';
import type { RoomMetrics } from '../metrics/RoomMetrics.ts';
import type { DocLog } from '../storage/DocLog.ts';
import type { DocumentChannel } from '../cluster/DocumentBus.ts';
import type { Compactor } from './Compactor.ts';
import { COMMITTED_ORIGIN } from './origins.ts';
import type { RoomConnection } from './RoomConnection.ts';
import type { RoomDocument } from './RoomDocument.ts';
import type { RemoteEntries } from './RemoteEntries.ts';
import type { RoomObserver } from './RoomObserver.ts';
import type { SizeQuota } from './SizeQuota.ts';

interface UpdatePipelineOptions {
  name: string;
  log: DocLog;
  logger: Logger;
  document: RoomDocument;
  quota: SizeQuota;
  compactor: Compactor;
  observers: readonly RoomObserver[];
  metrics: RoomMetrics;
  /** The document's channel to the other instances (a no-op one for a lone instance). */
  channel: DocumentChannel;
  /** Other instances' entries: told when this room's own commit skips numbers. */
  remote: RemoteEntries;
  /** Closes a connection that sent something unusable. */
  reject(connection: RoomConnection, code: number, reason: string): void;
}

/** An update the log has committed, waiting to be applied. */
interface CommittedUpdate {
  connection: RoomConnection;
  update: Uint8Array;
  seq: number;
  /** `performance.now()` when it arrived and when it was committed (for the metrics). */
  arrivedAt: number;
  committedAt: number;
}

/** A Yjs update that changes nothing (no structs, no deletions), e.g. an up-to-date step 2. */
const isEmptyUpdate = (decoded: ReturnType<typeof Y.decodeUpdate>) =>
  decoded.structs.length === 0 && decoded.ds.clients.size === 0;

/**
 * The path of a client's update: validate, count against the size limit, append to the log,
 * and only once committed apply it to the room's Y.Doc (whose `update` event broadcasts).
 * So the Y.Doc never holds anything the log lacks, and nothing any client receives (a
 * broadcast, a step 2, the cached full state) can be lost by a crash.
 *
 * Once applied, each commit batch is published to the other instances (one message per
 * batch); what they commit arrives through `RemoteEntries` instead of this pipeline.
 */
export class UpdatePipeline {
  /** Appends not yet settled; `settle` waits for them. */
  private readonly inflight = new Set<Promise<void>>();
  /** Committed in the current group commit, applied together in a microtask. */
  private committed: CommittedUpdate[] = [];

  constructor(private readonly options: UpdatePipelineOptions) {}

  /** Takes a client's update (step 2 or update message) towards the log. */
  accept(connection: RoomConnection, update: Uint8Array): void {
    const { name, log, logger, quota, reject, metrics } = this.options;
    const arrivedAt = performance.now();
    let decoded;
    try {
      // Full structural validation before the bytes reach the log.
      decoded = Y.decodeUpdate(update);
    } catch {
      reject(connection, CloseCode.InvalidMessage, 'undecodable Yjs update');
      return;
    }
    if (isEmptyUpdate(decoded)) return;
    const bytes = update.byteLength;
    if (!quota.tryReserve(bytes)) {
      // Refused before it is stored: the document stays exactly as it was.
      reject(connection, CloseCode.MessageTooBig, `document would exceed ${quota.limit} bytes`);
      return;
    }
    const write = log.append(name, update).then(
      (seq) => {
        // A repair from the log may have applied (and counted) this very entry already, when
        // its read overtook this append's answer.
        if (this.options.compactor.has(seq)) quota.released(bytes);
        else quota.committed(bytes);
        this.committed.push({ connection, update, seq, arrivedAt, committedAt: performance.now() });
        // The log settles a whole group commit's appends in one run of microtasks; this one
        // is queued behind them, so it sees the whole batch.
        if (this.committed.length === 1) queueMicrotask(() => this.applyCommitted());
      },
      (error: unknown) => {
        quota.released(bytes);
        metrics.storageFailed('append');
        logger.error({ err: error, conn: connection.socket.id, doc: name }, 'could not store an update');
        // Retryable: the client still holds the change and resends it after reconnecting.
        connection.socket.close(CloseCode.InternalError, 'could not store the update');
      },
    );
    this.inflight.add(write);
    void write.finally(() => this.inflight.delete(write));
  }

  /** Waits for every pending append and applies what they committed. */
  async settle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
    this.applyCommitted();
  }

  /**
   * Applies every update of one group commit in a single Yjs transaction, so that they reach
   * each socket as one merged update (Yjs encodes a transaction's changes once). A quiet room
   * sends one frame per keystroke; a busy one sends one frame per commit instead of one per
   * update, which is what keeps a hot room's sockets and latency in check.
   */
  private applyCommitted(): void {
    const batch = this.committed;
    const { document, compactor, observers, logger, name, reject, metrics, channel, remote } = this.options;
    if (batch.length === 0 || document.isDestroyed) return;
    this.committed = [];
    const doc = document.materialized();
    doc.transact(() => {
      for (const { connection, update, seq } of batch) {
        compactor.applied(seq);
        try {
          Y.applyUpdate(doc, update, COMMITTED_ORIGIN);
        } catch (error) {
          logger.warn({ err: error, doc: name }, 'a stored update did not apply');
          reject(connection, CloseCode.InvalidMessage, 'Yjs update does not apply');
        }
      }
    }, COMMITTED_ORIGIN);
    // The transaction's end broadcast the batch (Room.onDocumentUpdate); now the other
    // instances hear of it, after the commit like everyone else.
    channel.publishEntries(batch);
    // Numbers between the last contiguous one and this batch's belong to other instances.
    remote.noticeGap();
    const broadcastAt = performance.now();
    for (const { arrivedAt, committedAt } of batch)
      metrics.updateBroadcast(arrivedAt, committedAt, broadcastAt);
    for (const observer of observers) observer.committed(doc);
    compactor.compactIfDue();
  }
}
