import type { Access } from '../../shared/access.ts';
import type { Room } from './Room.ts';
import type { RoomSocket } from './RoomSocket.ts';

/**
 * One socket's connection to one room: the transport hands it frames and tells it when the
 * socket closed; the room keeps its per-socket state here. A class rather than closures,
 * since one lives as long as its socket (see docs/ARCHITECTURE.md on heap per connection).
 */
export class RoomConnection {
  /** Awareness client IDs announced over this connection (removed when it leaves). */
  readonly awarenessClients = new Set<number>();
  /** A reader is told once that its updates are ignored. */
  toldReadOnly = false;
  private left = false;

  constructor(
    readonly room: Room,
    readonly socket: RoomSocket,
    readonly access: Access,
    private readonly onLeave: (connection: RoomConnection) => void,
  ) {}

  /** Hands one frame from the socket to the room. */
  receive(frame: Uint8Array): void {
    this.room.receive(this, frame);
  }

  /** Called when the socket has closed; later calls do nothing. */
  leave(): void {
    if (this.left) return;
    this.left = true;
    this.onLeave(this);
  }
}
