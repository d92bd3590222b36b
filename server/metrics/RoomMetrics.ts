import type { MessageKind } from './messageKinds.ts';

/**
 * What `rooms/` reports, through an injected object: rooms never import prom-client, and
 * unit tests pass `NO_METRICS`. Every call is a few additions on plain numbers (or one
 * histogram observation per update, never per socket), so that the hot path stays free.
 */
export interface RoomMetrics {
  /** A frame from a client decoded as `kind`. */
  received(kind: MessageKind): void;
  /** One frame of `bytes` went to one socket (an answer to it). */
  sent(kind: MessageKind, bytes: number): void;
  /** One frame of `bytes` went to each of `recipients` sockets. */
  broadcast(kind: MessageKind, recipients: number, bytes: number): void;
  /**
   * One client update was committed and broadcast. Times are `performance.now()` values:
   * when it arrived, when the log committed it, when it was broadcast.
   */
  updateBroadcast(arrivedAt: number, committedAt: number, broadcastAt: number): void;
  /** A compaction finished (or failed) after `durationMs`. */
  compaction(durationMs: number, ok: boolean): void;
  /** The room read entries it had missed from the log (scale-out): one repair, `entries` applied. */
  gapRepaired(entries: number): void;
  /** A storage operation failed (the room logs it with the document). */
  storageFailed(operation: StorageOperation): void;
}

/** What a room asks of its storage (the label of `inkwell_storage_errors_total`). */
export type StorageOperation = 'load' | 'append' | 'compact' | 'flush';

/** Reports nothing: the default for rooms in unit tests and with METRICS=false. */
export const NO_ROOM_METRICS: RoomMetrics = Object.freeze({
  received: () => {},
  sent: () => {},
  broadcast: () => {},
  updateBroadcast: () => {},
  compaction: () => {},
  gapRepaired: () => {},
  storageFailed: () => {},
});
