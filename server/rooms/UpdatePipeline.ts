import * as Y from 'yjs';
import { CloseCode, DeletedReason } from '../../shared/closeCodes.ts';
import type { Logger } from '../logger.ts';
import type { RoomMetrics } from '../metrics/RoomMetrics.ts';
import type { DocLog } from '../storage/DocLog.ts';
import { DocumentPurgedError } from '../storage/errors.ts';
import type { DocumentChannel } from '../cluster/DocumentBus.ts';
import { blobHashesIn } from '../blobs/blobSources.ts';
import type { Compactor } from './Compactor.ts';
import { DocumentTooLargeError } from './DocumentTooLargeError.ts';
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
  /** The awareness name of a connection's person, or null (the authors observers are told of). */
  nameOf(connection: RoomConnection): string | null;
  /** Closes a connection that sent something unusable. */
  reject(connection: RoomConnection, code: number, reason: string): void;
}

/** Where an update came from: a client's connection, or the server itself (a restore). */
type UpdateSource =
  | { kind: 'connection'; connection: RoomConnection }
  | { kind: 'server'; applied(): void; failed(error: Error): void };

/** An update on its way to the log. */
interface PendingUpdate {
  source: UpdateSource;
  update: Uint8Array;
  /** The image URLs it writes (`blobHashesIn`), told to the observers once committed. */
  blobHashes: readonly string[];
}

/** An update the log has committed, waiting to be applied. */
interface CommittedUpdate extends PendingUpdate {
  seq: number;
  /** `performance.now()` when it arrived (for the metrics). */
  arrivedAt: number;
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
  /**
   * `performance.now()` when the current group commit settled: read once per commit, not per
   * update, since the log settles a commit's appends together.
   */
  private committedAt = 0;

  constructor(private readonly options: UpdatePipelineOptions) {}

  /** Takes a client's update (step 2 or update message) towards the log. */
  accept(connection: RoomConnection, update: Uint8Array): void {
    const { reject, quota } = this.options;
    let decoded;
    try {
      // Full structural validation before the bytes reach the log.
      decoded = Y.decodeUpdate(update);
    } catch {
      reject(connection, CloseCode.InvalidMessage, 'undecodable Yjs update');
      return;
    }
    if (isEmptyUpdate(decoded)) return;
    if (!quota.tryReserve(update.byteLength)) {
      // Refused before it is stored: the document stays exactly as it was.
      reject(connection, CloseCode.MessageTooBig, `document would exceed ${quota.limit} bytes`);
      return;
    }
    this.append({
      source: { kind: 'connection', connection },
      update,
      blobHashes: blobHashesIn(decoded.structs),
    });
  }

  /**
   * Commits an update the server made (a restore) through the same path as a client's: size
   * limit, log, then apply and broadcast. Resolves once applied; rejects when it would pass
   * the size limit or cannot be stored.
   */
  commitServerUpdate(update: Uint8Array): Promise<void> {
    const { quota } = this.options;
    if (!quota.tryReserve(update.byteLength)) {
      return Promise.reject(new DocumentTooLargeError(`the document would exceed ${quota.limit} bytes`));
    }
    // A restore can bring back images: decoded here, as a client's update is in `accept`.
    const blobHashes = blobHashesIn(Y.decodeUpdate(update).structs);
    return new Promise<void>((applied, failed) => {
      this.append({ source: { kind: 'server', applied, failed }, update, blobHashes });
    });
  }

  /** Appends an update whose size is reserved, and queues its apply once committed. */
  private append(pending: PendingUpdate): void {
    const { source, update } = pending;
    const { name, log, logger, quota, metrics } = this.options;
    const arrivedAt = performance.now();
    const bytes = update.byteLength;
    const write = log.append(name, update).then(
      (seq) => {
        // A repair from the log may have applied (and counted) this very entry already, when
        // its read overtook this append's answer.
        if (this.options.compactor.has(seq)) quota.released(bytes);
        else quota.committed(bytes);
        // The log settles a whole group commit's appends in one run of microtasks; the
        // microtask queued by the first is behind them, so it sees the whole batch.
        if (this.committed.length === 0) {
          this.committedAt = performance.now();
          queueMicrotask(() => this.applyCommitted());
        }
        this.committed.push({ ...pending, seq, arrivedAt });
      },
      (error: unknown) => {
        quota.released(bytes);
        if (error instanceof DocumentPurgedError && source.kind === 'connection') {
          // Purged through another instance, whose eviction message this one missed.
          logger.info(
            { conn: source.connection.socket.id, doc: name },
            'refused an update to a purged document',
          );
          source.connection.socket.close(CloseCode.DocumentDeleted, DeletedReason.Purged);
          return;
        }
        metrics.storageFailed('append');
        if (source.kind === 'server') {
          logger.error({ err: error, doc: name }, 'could not store a server-made update');
          source.failed(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        const { connection } = source;
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
    if (batch.length === 0) return;
    this.committed = [];
    if (document.isDestroyed) {
      // Stored, but the room is gone (evicted meanwhile): the next load has it.
      for (const { source } of batch) if (source.kind === 'server') source.applied();
      return;
    }
    const doc = document.materialized();
    const writers = new Set<RoomConnection>();
    doc.transact(() => {
      for (const { source, update, seq } of batch) {
        compactor.applied(seq);
        if (source.kind === 'connection') writers.add(source.connection);
        try {
          Y.applyUpdate(doc, update, COMMITTED_ORIGIN);
        } catch (error) {
          logger.warn({ err: error, doc: name }, 'a stored update did not apply');
          if (source.kind === 'connection') {
            reject(source.connection, CloseCode.InvalidMessage, 'Yjs update does not apply');
          }
        }
      }
    }, COMMITTED_ORIGIN);
    // The transaction's end broadcast the batch (Room.onDocumentUpdate); now the other
    // instances hear of it, after the commit like everyone else.
    channel.publishEntries(batch);
    // Numbers between the last contiguous one and this batch's belong to other instances.
    remote.noticeGap();
    const broadcastAt = performance.now();
    const { committedAt } = this;
    for (const { arrivedAt, source } of batch) {
      metrics.updateBroadcast(arrivedAt, committedAt, broadcastAt);
      if (source.kind === 'server') source.applied();
    }
    if (observers.length > 0) {
      const authors = new Set<string>();
      for (const connection of writers) {
        const author = this.options.nameOf(connection);
        if (author !== null) authors.add(author);
      }
      const blobHashes = new Set(batch.flatMap((entry) => entry.blobHashes));
      for (const observer of observers) observer.committed(doc, authors, blobHashes);
    }
    compactor.compactIfDue();
  }
}
