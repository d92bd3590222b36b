import { SINGLE_INSTANCE_BUS, type DocumentBus } from '../cluster/DocumentBus.ts';
import type { Logger } from '../logger.ts';
import type { PresentPerson } from './AwarenessRelay.ts';
import { DocumentDeletedError, type Deletion } from './DocumentDeletedError.ts';
import { NO_ROOM_METRICS, type RoomMetrics } from '../metrics/RoomMetrics.ts';
import type { DocLog } from '../storage/DocLog.ts';
import { Room } from './Room.ts';
import type { Access } from '../../shared/access.ts';
import type { RoomConnection } from './RoomConnection.ts';
import type { RoomObserverFactory } from './RoomObserver.ts';
import type { RoomSocket } from './RoomSocket.ts';

interface RoomRegistryOptions {
  log: DocLog;
  logger: Logger;
  compactAfterUpdates: number;
  maxDocumentBytes: number;
  /** What follows each room's document from outside (e.g. the title mirror). */
  observers?: readonly RoomObserverFactory[];
  /** Whether the document is in the trash or purged (null: neither): joins are refused (DocumentDeletedError). */
  deletionOf?: (name: string) => Promise<Deletion | null>;
  metrics?: RoomMetrics;
  /** The other instances (none by default). */
  bus?: DocumentBus;
  /**
   * With several instances, how often the log's newest numbers of the loaded documents are
   * compared with what each room holds (one query for all of them).
   */
  logCheckIntervalMs?: number;
  gapRepairDelayMs?: number;
}

/**
 * A lost message with nothing after it would reveal no gap; this check finds it. Cheap (one
 * indexed query per instance per period, for every loaded document at once), and it keeps
 * instances converging, more slowly, while Redis is away altogether.
 */
const DEFAULT_LOG_CHECK_INTERVAL_MS = 2000;

/**
 * Loads, shares and unloads rooms.
 *
 * Concurrent joins of one document share one load (a map of promises), so the first step 2
 * anyone receives already holds the stored content. A room whose last connection leaves is
 * flushed (pending appends committed, log compacted) and dropped from memory.
 */
export class RoomRegistry {
  /** Every room in memory, loading or loaded, as the load's promise that every join awaits. */
  private readonly loads = new Map<string, Promise<Room>>();
  /** The rooms whose load has finished. */
  private readonly loaded = new Map<string, Room>();
  /** Unloads under way (a room whose last connection left is being flushed). */
  private readonly unloads = new Set<Promise<void>>();
  /** Rooms held in memory by server-side work (`withRoom`), however many connections they have. */
  private readonly held = new Map<Room, number>();
  private readonly options: RoomRegistryOptions;
  private readonly onLeave = (connection: RoomConnection) => this.leave(connection);

  private readonly logCheck: NodeJS.Timeout | null = null;
  private checking = false;
  private readonly bus: DocumentBus;

  constructor(options: RoomRegistryOptions) {
    this.options = options;
    const bus = options.bus ?? SINGLE_INSTANCE_BUS;
    this.bus = bus;
    if (!bus.clustered) return;
    bus.watch({
      resync: () => {
        for (const room of this.loaded.values()) {
          void room.catchUp();
          // Redis may have restarted empty, or the others dropped this one's clients meanwhile.
          room.publishPresence();
        }
      },
      instanceGone: (instanceId) => {
        for (const room of this.loaded.values()) room.forgetInstance(instanceId);
      },
      livenessLapsed: () => {
        for (const room of this.loaded.values()) room.promptPresence();
      },
      evicted: (doc, code, reason) => void this.evictHere(doc, code, reason),
    });
    this.logCheck = setInterval(
      () => void this.checkLogs(),
      options.logCheckIntervalMs ?? DEFAULT_LOG_CHECK_INTERVAL_MS,
    );
    this.logCheck.unref();
  }

  /** Number of documents in memory. */
  get loadedCount(): number {
    return this.loaded.size;
  }

  /** Number of connections in all rooms. */
  get connectionCount(): number {
    let count = 0;
    for (const room of this.loaded.values()) count += room.connectionCount;
    return count;
  }

  /** Who is in each loaded document that has anyone in it. */
  presence(): Map<string, PresentPerson[]> {
    const present = new Map<string, PresentPerson[]>();
    for (const [name, room] of this.loaded) {
      const people = room.people();
      if (people.length > 0) present.set(name, people);
    }
    return present;
  }

  /** The rooms whose load has finished (the dashboard's per-document figures). */
  rooms(): IterableIterator<Room> {
    return this.loaded.values();
  }

  /** True when the document is in memory or being loaded. */
  hasRoom(name: string): boolean {
    return this.loads.has(name);
  }

  /** Connects a socket to a document, loading the document first if needed. */
  async join(name: string, socket: RoomSocket, access: Access): Promise<RoomConnection> {
    const deletion = (await this.options.deletionOf?.(name)) ?? null;
    if (deletion !== null) throw new DocumentDeletedError(deletion);
    for (;;) {
      const room = await this.load(name);
      // The room may have been unloaded between the load resolving and now; load again.
      if (room.isDestroyed) continue;
      return room.connect(socket, access, this.onLeave);
    }
  }

  /**
   * Runs `work` with the document's room loaded (loading it if needed) and kept in memory
   * until it finishes; a room nobody is connected to is then unloaded as after a last leave.
   * For server-side changes (a restore) that must go through the room's commit path.
   */
  async withRoom<T>(name: string, work: (room: Room) => Promise<T>): Promise<T> {
    let room = await this.load(name);
    // Unloaded between the load resolving and now: load again (as `join` does).
    while (room.isDestroyed) room = await this.load(name);
    this.held.set(room, (this.held.get(room) ?? 0) + 1);
    try {
      return await work(room);
    } finally {
      const holds = this.held.get(room)! - 1;
      if (holds > 0) this.held.set(room, holds);
      else this.held.delete(room);
      if (holds === 0) this.unloadIfUnused(room);
    }
  }

  /** Closes every connection, flushes every room and empties the registry. */
  async closeAll(code: number, reason: string): Promise<void> {
    if (this.logCheck !== null) clearInterval(this.logCheck);
    await Promise.allSettled(this.loads.values());
    const rooms = [...this.loaded.values()];
    for (const room of rooms) room.closeConnections(code, reason);
    await Promise.all(rooms.map((room) => this.unload(room, { force: true })));
  }

  /**
   * Closes a document's connections with `code` on every instance, and unloads its room here,
   * if it is in memory. Resolves once this instance's pending appends are committed: the
   * caller may then delete it. (The other instances' rooms close when the bus brings the
   * eviction; the catalogue already refuses the document, so nobody gets back in meanwhile.)
   */
  async evict(name: string, code: number, reason: string): Promise<void> {
    this.bus.announceEviction(name, code, reason);
    await this.evictHere(name, code, reason);
  }

  private async evictHere(name: string, code: number, reason: string): Promise<void> {
    const room = await this.loads.get(name)?.catch(() => null);
    if (room === undefined || room === null || room.isDestroyed) return;
    room.closeConnections(code, reason);
    await this.unload(room, { force: true });
  }

  /** Resolves once every unload under way has finished, whether or not it dropped its room. */
  async unloadsSettled(): Promise<void> {
    while (this.unloads.size > 0) await Promise.allSettled([...this.unloads]);
  }

  private load(name: string): Promise<Room> {
    let load = this.loads.get(name);
    if (load === undefined) {
      const { log, logger, compactAfterUpdates, maxDocumentBytes, observers, bus, gapRepairDelayMs } =
        this.options;
      const metrics = this.options.metrics ?? NO_ROOM_METRICS;
      load = Room.load({
        name,
        log,
        logger: logger.child({ doc: name }),
        compactAfterUpdates,
        maxDocumentBytes,
        observers,
        metrics,
        bus,
        gapRepairDelayMs,
      });
      this.loads.set(name, load);
      load.then(
        (room) => this.loaded.set(name, room),
        (error: unknown) => {
          metrics.storageFailed('load');
          logger.error({ err: error, doc: name }, 'could not load a document');
          this.loads.delete(name);
        },
      );
    }
    return load;
  }

  /** Tells every loaded room the log's newest number for its document (see RemoteEntries). */
  private async checkLogs(): Promise<void> {
    if (this.checking || this.loaded.size === 0) return;
    this.checking = true;
    try {
      const latest = await this.options.log.lastSeqs([...this.loaded.keys()]);
      for (const [name, seq] of latest) this.loaded.get(name)?.checkLatest(seq);
    } catch (error) {
      this.options.logger.warn({ err: error }, 'could not check the log for missed entries');
    } finally {
      this.checking = false;
    }
  }

  private leave(connection: RoomConnection): void {
    const { room } = connection;
    room.disconnect(connection);
    this.unloadIfUnused(room);
  }

  /** Starts unloading a room that no connection and no server-side work uses. */
  private unloadIfUnused(room: Room): void {
    if (room.connectionCount > 0 || this.held.has(room) || room.isDestroyed) return;
    const unload = this.unload(room, { force: false });
    this.unloads.add(unload);
    void unload.finally(() => this.unloads.delete(unload));
  }

  private async unload(room: Room, { force }: { force: boolean }): Promise<void> {
    try {
      await room.flush();
    } catch (error) {
      this.options.metrics?.storageFailed('flush');
      this.options.logger.error({ err: error, doc: room.name }, 'could not flush a document');
    }
    // Someone joined while we flushed, or another unload won the race.
    if (room.isDestroyed || (!force && (room.connectionCount > 0 || this.held.has(room)))) return;
    if (this.loaded.get(room.name) === room) {
      this.loaded.delete(room.name);
      this.loads.delete(room.name);
    }
    room.destroy();
  }
}
