import type { Logger } from '../logger.ts';
import type { Storage } from '../storage/Storage.ts';
import { Room, type SessionAccess } from './Room.ts';
import type { RoomSocket } from './RoomSocket.ts';

export interface RoomRegistryOptions {
  storage: Storage;
  logger: Logger;
  compactAfterUpdates: number;
  maxDocumentBytes: number;
}

/** A socket's membership of a room, as the transport sees it. */
export interface RoomSession {
  readonly room: string;
  /** Hands one frame from the socket to the room. */
  receive(frame: Uint8Array): void;
  /** Called once when the socket has closed. */
  leave(): void;
}

/** A RoomSession; a class rather than closures, since one is kept per open socket. */
class Membership implements RoomSession {
  private left = false;

  constructor(
    readonly room: string,
    private readonly target: Room,
    private readonly socket: RoomSocket,
    private readonly onLeave: (room: Room, socket: RoomSocket) => void,
  ) {}

  receive(frame: Uint8Array): void {
    this.target.receive(this.socket, frame);
  }

  leave(): void {
    if (this.left) return;
    this.left = true;
    this.onLeave(this.target, this.socket);
  }
}

/**
 * Loads, shares and unloads rooms.
 *
 * Concurrent joins of one document share one load (a map of promises), so the first step 2
 * anyone receives already holds the stored content. A room whose last session leaves is
 * flushed (pending appends committed, log compacted) and dropped from memory.
 */
export class RoomRegistry {
  private readonly loading = new Map<string, Promise<Room>>();
  private readonly loaded = new Map<string, Room>();
  private readonly options: RoomRegistryOptions;
  private readonly leaveRoom = (room: Room, socket: RoomSocket) => this.leave(room, socket);

  constructor(options: RoomRegistryOptions) {
    this.options = options;
  }

  /** Number of documents in memory. */
  get loadedCount(): number {
    return this.loaded.size;
  }

  /** Number of sockets in all rooms. */
  get sessionCount(): number {
    let count = 0;
    for (const room of this.loaded.values()) count += room.sessionCount;
    return count;
  }

  /** True when the document is in memory (or being loaded). */
  isLoaded(name: string): boolean {
    return this.loading.has(name);
  }

  /** Joins a socket to a document, loading the document first if needed. */
  async join(name: string, socket: RoomSocket, access: SessionAccess): Promise<RoomSession> {
    for (;;) {
      const room = await this.load(name);
      // The room may have been unloaded between the load resolving and now; load again.
      if (room.isDestroyed) continue;
      room.addSession(socket, access);
      return new Membership(name, room, socket, this.leaveRoom);
    }
  }

  /** Closes every session, flushes every room and empties the registry. */
  async closeAll(code: number, reason: string): Promise<void> {
    await Promise.allSettled(this.loading.values());
    const rooms = [...this.loaded.values()];
    for (const room of rooms) room.closeAllSessions(code, reason);
    await Promise.all(rooms.map((room) => this.unload(room, { force: true })));
  }

  private load(name: string): Promise<Room> {
    let pending = this.loading.get(name);
    if (pending === undefined) {
      const { storage, logger, compactAfterUpdates, maxDocumentBytes } = this.options;
      pending = Room.load({
        name,
        storage,
        logger: logger.child({ doc: name }),
        compactAfterUpdates,
        maxDocumentBytes,
      });
      this.loading.set(name, pending);
      pending.then(
        (room) => this.loaded.set(name, room),
        (error: unknown) => {
          logger.error({ err: error, doc: name }, 'could not load a document');
          this.loading.delete(name);
        },
      );
    }
    return pending;
  }

  private leave(room: Room, socket: RoomSocket): void {
    room.removeSession(socket);
    if (room.sessionCount === 0) void this.unload(room, { force: false });
  }

  private async unload(room: Room, { force }: { force: boolean }): Promise<void> {
    try {
      await room.flush();
    } catch (error) {
      this.options.logger.error({ err: error, doc: room.name }, 'could not flush a document');
    }
    // Someone joined while we flushed, or another unload won the race.
    if (room.isDestroyed || (!force && room.sessionCount > 0)) return;
    if (this.loaded.get(room.name) === room) {
      this.loaded.delete(room.name);
      this.loading.delete(room.name);
    }
    room.destroy();
  }
}
