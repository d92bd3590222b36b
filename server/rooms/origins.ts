import type { RoomSocket } from './RoomSocket.ts';

/**
 * Why a change reached a room's Y.Doc. Every `Y.applyUpdate` and awareness change in
 * `rooms/` is tagged with one, and storing, broadcasting and bookkeeping decide from it.
 */
export type TransactionOrigin =
  /** Replaying stored state while loading: already stored, nobody to tell. */
  | { kind: 'load' }
  /** Clients' updates, already committed to the store, applied together (Room.applyCommitted). */
  | { kind: 'committed' }
  /** An awareness change from a connected client. */
  | { kind: 'client'; socket: RoomSocket }
  /** The server itself (e.g. removing a closed socket's awareness states). */
  | { kind: 'server' };

export const LOAD_ORIGIN: TransactionOrigin = { kind: 'load' };
export const SERVER_ORIGIN: TransactionOrigin = { kind: 'server' };
export const COMMITTED_ORIGIN: TransactionOrigin = { kind: 'committed' };

export function isTransactionOrigin(value: unknown): value is TransactionOrigin {
  return typeof value === 'object' && value !== null && 'kind' in value;
}
