import type { RoomConnection } from './RoomConnection.ts';

/**
 * Why a change reached a room's Y.Doc or awareness. Every `Y.applyUpdate` and awareness
 * change in `rooms/` is tagged with one, and storing, broadcasting and bookkeeping decide
 * from it (see `Room.onDocumentUpdate`).
 */
export type TransactionOrigin =
  /** Replaying stored state while loading: already stored, nobody to tell. */
  | { kind: 'load' }
  /** This instance's clients' updates, committed to the log, applied together (UpdatePipeline). */
  | { kind: 'committed' }
  /**
   * What another instance's clients did (scale-out): entries it committed to the shared log
   * (from the bus or read back from the log), or its clients' awareness changes (with the
   * instance they came from). Broadcast to this room's sockets, never stored again and
   * never re-published.
   */
  | { kind: 'remote'; instance: string | null }
  /** An awareness change from a connected client. */
  | { kind: 'client'; connection: RoomConnection }
  /** The server itself (e.g. removing a closed connection's awareness states). */
  | { kind: 'server' };

export const LOAD_ORIGIN: TransactionOrigin = { kind: 'load' };
export const SERVER_ORIGIN: TransactionOrigin = { kind: 'server' };
export const REMOTE_ORIGIN: TransactionOrigin = { kind: 'remote', instance: null };
export const COMMITTED_ORIGIN: TransactionOrigin = { kind: 'committed' };

export function isTransactionOrigin(value: unknown): value is TransactionOrigin {
  return typeof value === 'object' && value !== null && 'kind' in value;
}
