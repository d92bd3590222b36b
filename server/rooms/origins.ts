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
   * Updates another instance committed to the shared log (scale-out): broadcast to this
   * room's sockets, never stored again and never re-published. Nothing produces it yet.
   */
  | { kind: 'remote' }
  /** An awareness change from a connected client. */
  | { kind: 'client'; connection: RoomConnection }
  /** The server itself (e.g. removing a closed connection's awareness states). */
  | { kind: 'server' };

export const LOAD_ORIGIN: TransactionOrigin = { kind: 'load' };
export const SERVER_ORIGIN: TransactionOrigin = { kind: 'server' };
export const COMMITTED_ORIGIN: TransactionOrigin = { kind: 'committed' };

export function isTransactionOrigin(value: unknown): value is TransactionOrigin {
  return typeof value === 'object' && value !== null && 'kind' in value;
}
