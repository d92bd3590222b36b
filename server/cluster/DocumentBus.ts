import type { LogEntry } from '../storage/DocLog.ts';

/**
 * Cross-instance fan-out as rooms see it: a doorbell, not a log. Entries arrive here only
 * after the instance that accepted them committed them to the shared database, so a message
 * lost on the way delays an edit (rooms repair gaps from the log) and never loses one.
 *
 * `rooms/` depends on this interface only; `RedisDocumentBus` is the one implementation that
 * talks to Redis, `SINGLE_INSTANCE_BUS` the one for a lone instance.
 */
export interface DocumentBus {
  /** This process's id, unique per start (the liveness key's name, the sender of messages). */
  readonly instanceId: string;
  /** False for the single-instance bus: rooms then skip the periodic log check. */
  readonly clustered: boolean;
  /**
   * Starts receiving a document's messages. Resolves once the subscription is in place, so a
   * load that follows cannot miss an entry committed in between; while Redis is away it
   * resolves at once (the reconnect then resyncs every room from the log).
   */
  join(doc: string, listener: DocumentListener): Promise<DocumentChannel>;
  /** Called after a reconnect (messages may have been missed) and when an instance dies. */
  watch(listener: BusListener): void;
  /**
   * Tells every other instance to close a document's sessions with `code` (it went to the
   * trash or was purged here). Best effort, like every message: the catalogue already refuses
   * the document, so a session that missed it is refused when it reconnects.
   */
  announceEviction(doc: string, code: number, reason: string): void;
}

/** What a room hears from other instances about its document. */
export interface DocumentListener {
  /** Entries another instance committed (one message per commit batch). */
  entries(from: string, entries: LogEntry[]): void;
  /** Another instance's clients' awareness changes (a y-protocols awareness update). */
  awareness(from: string, update: Uint8Array): void;
  /** An instance that just joined the document asks for everyone's awareness states. */
  awarenessQuery(from: string): void;
}

/** What the bus tells the rooms as a whole. */
export interface BusListener {
  /** Messages may have been lost (Redis reconnected): every room reads its log. */
  resync(): void;
  /** An instance stopped renewing its liveness key: its clients' presence goes. */
  instanceGone(instanceId: string): void;
  /**
   * This instance's own liveness key had expired (its event loop stalled past the TTL): the
   * others may have dropped its clients' presence, which must be announced again.
   */
  livenessLapsed(): void;
  /** Another instance evicted a document (see `announceEviction`). */
  evicted(doc: string, code: number, reason: string): void;
}

/** One room's side of its document's channel. */
export interface DocumentChannel {
  /** Tells the other instances about one commit batch of this instance's clients. */
  publishEntries(entries: readonly LogEntry[]): void;
  /** Tells them about this instance's clients' awareness changes (already coalesced). */
  publishAwareness(update: Uint8Array): void;
  /** Asks them for their clients' awareness states (after joining). */
  queryAwareness(): void;
  /** Stops receiving; nothing is published afterwards. */
  leave(): void;
}

const NO_CHANNEL: DocumentChannel = Object.freeze({
  publishEntries: () => {},
  publishAwareness: () => {},
  queryAwareness: () => {},
  leave: () => {},
});

/** One instance alone: nothing to tell, nothing to hear. */
export const SINGLE_INSTANCE_BUS: DocumentBus = Object.freeze({
  instanceId: 'single',
  clustered: false,
  join: async () => NO_CHANNEL,
  watch: () => {},
  announceEviction: () => {},
});
