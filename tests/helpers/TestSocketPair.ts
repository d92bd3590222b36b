import type { RoomConnection } from '../../server/rooms/RoomConnection.ts';
import type { RoomSocket } from '../../server/rooms/RoomSocket.ts';

/**
 * An in-memory connection between a test client and a room, after tldraw's TestSocketPair:
 * frames queue in each direction, in order, and move only when the test delivers them, so
 * the test (or a seeded PRNG) decides how deliveries on different sockets interleave.
 */
export class TestSocketPair {
  /** Frames the client sent that the room has not received yet. */
  readonly toRoom: Uint8Array[] = [];
  /** Frames the room sent that the client has not received yet. */
  readonly toClient: Uint8Array[] = [];
  /** The room side's connection, once joined. */
  connection: RoomConnection | null = null;
  /** How the room closed this socket, if it did. */
  closedByRoom: { code: number; reason: string } | null = null;
  private open = true;

  /** What the room sees: sending queues for the client; closing drops the socket. */
  readonly roomSocket: RoomSocket = {
    send: (frame) => {
      if (this.open) this.toClient.push(frame);
    },
    close: (code, reason) => {
      this.closedByRoom ??= { code, reason };
      this.disconnect();
    },
  };

  get isOpen(): boolean {
    return this.open;
  }

  /** The client sends a frame towards the room. */
  clientSend(frame: Uint8Array): void {
    if (this.open) this.toRoom.push(frame);
  }

  /** Delivers the oldest frame queued for the room; false when there was none. */
  deliverToRoom(): boolean {
    const frame = this.toRoom.shift();
    if (frame === undefined || this.connection === null) return false;
    this.connection.receive(frame);
    return true;
  }

  /** Takes the oldest frame queued for the client, for the test to hand to it. */
  takeForClient(): Uint8Array | undefined {
    return this.toClient.shift();
  }

  /** The connection drops: frames in flight are lost, and the room is told the socket closed. */
  disconnect(): void {
    if (!this.open) return;
    this.open = false;
    this.toRoom.length = 0;
    this.toClient.length = 0;
    this.connection?.leave();
  }
}
