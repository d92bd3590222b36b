/**
 * The only view `rooms/` has of a connection. Transports (WebSocket today) adapt their
 * sockets to this, which keeps room logic testable without sockets.
 */
export interface RoomSocket {
  /** Queues one binary frame. Frames are shared between sockets: never mutate them. */
  send(frame: Uint8Array): void;
  /** The transport's connection id, for log lines (absent for test sockets). */
  readonly id?: number;
  /** Closes the connection with a close code from `shared/closeCodes.ts`. */
  close(code: number, reason: string): void;
}
