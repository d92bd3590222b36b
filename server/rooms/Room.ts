import * as Y from 'yjs';
import { CloseCode } from '../../shared/closeCodes.ts';
import {
  decodeMessage,
  encodePermissionDenied,
  encodeSyncUpdate,
  ProtocolError,
} from '../../shared/protocol.ts';
import { SINGLE_INSTANCE_BUS, type DocumentBus, type DocumentChannel } from '../cluster/DocumentBus.ts';
import type { Logger } from '../logger.ts';
import type { MessageKind } from '../metrics/messageKinds.ts';
import { NO_ROOM_METRICS, type RoomMetrics } from '../metrics/RoomMetrics.ts';
import type { DocLog, StoredDocument } from '../storage/DocLog.ts';
import { AwarenessRelay, type PresentPerson } from './AwarenessRelay.ts';
import { Compactor } from './Compactor.ts';
import { isTransactionOrigin } from './origins.ts';
import { Role, type Access } from '../../shared/access.ts';
import { RoomConnection } from './RoomConnection.ts';
import { RemoteEntries } from './RemoteEntries.ts';
import { RoomDocument } from './RoomDocument.ts';
import type { RoomObserver, RoomObserverFactory } from './RoomObserver.ts';
import type { RoomSocket } from './RoomSocket.ts';
import { SizeQuota } from './SizeQuota.ts';
import { UpdatePipeline } from './UpdatePipeline.ts';

export interface RoomOptions {
  name: string;
  log: DocLog;
  logger: Logger;
  /** Log entries after which the log is folded into the snapshot. */
  compactAfterUpdates: number;
  /** Stored size (snapshot plus log) past which updates are refused. */
  maxDocumentBytes: number;
  /** What follows each room's document from outside (e.g. the title mirror). */
  observers?: readonly RoomObserverFactory[];
  /** Where the room reports what it does (nothing by default). */
  metrics?: RoomMetrics;
  /** The other instances (none by default). */
  bus?: DocumentBus;
  /** How long a gap in the sequence numbers may stay open before the log is read. */
  gapRepairDelayMs?: number;
}

/** Long enough for a message from another instance to overtake (see RemoteEntries). */
const DEFAULT_GAP_REPAIR_DELAY_MS = 250;

/** Sent (once) to a read-only connection that sends an update (clients see this text). */
const READ_ONLY_REASON = 'read-only: this session cannot change the document';

/**
 * One loaded document and the connections editing it: reads each frame and hands it to the
 * part that handles it (sync to the document and the update pipeline, awareness to the
 * relay), and broadcasts what changed.
 */
export class Room {
  readonly name: string;
  private readonly logger: Logger;
  private readonly document: RoomDocument;
  private readonly awareness: AwarenessRelay;
  private readonly updates: UpdatePipeline;
  private readonly compactor: Compactor;
  private readonly remote: RemoteEntries;
  private readonly channel: DocumentChannel;
  private readonly connections = new Set<RoomConnection>();
  private readonly metrics: RoomMetrics;
  private readonly observers: readonly RoomObserver[];
  private destroyed = false;
  /** Frames received since the room loaded (the dashboard's per-document rate). */
  private received = 0;

  private constructor(options: RoomOptions, stored: StoredDocument | null, channel: DocumentChannel) {
    const { name, log, logger } = options;
    this.name = name;
    this.channel = channel;
    this.logger = logger;
    this.metrics = options.metrics ?? NO_ROOM_METRICS;
    const observers = (options.observers ?? []).map((observe) => observe(name));
    this.observers = observers;
    const doc = new Y.Doc();
    doc.on('update', (update: Uint8Array, origin: unknown) => this.onDocumentUpdate(update, origin));
    this.document = new RoomDocument(doc, stored, name, logger, (loaded) => {
      for (const observer of observers) observer.loaded(loaded);
    });
    const clustered = options.bus?.clustered ?? false;
    this.awareness = new AwarenessRelay(
      doc,
      (frame) => this.broadcast('awareness', frame),
      clustered ? (update) => channel.publishAwareness(update) : null,
    );
    const quota = SizeQuota.forStored(options.maxDocumentBytes, stored);
    const { document } = this;
    this.compactor = new Compactor(
      {
        name,
        log,
        logger,
        document,
        quota,
        compactAfterUpdates: options.compactAfterUpdates,
        metrics: this.metrics,
      },
      stored,
    );
    this.remote = new RemoteEntries({
      name,
      log,
      logger,
      document,
      compactor: this.compactor,
      quota,
      metrics: this.metrics,
      gapRepairDelayMs: options.gapRepairDelayMs ?? DEFAULT_GAP_REPAIR_DELAY_MS,
    });
    this.updates = new UpdatePipeline({
      name,
      log,
      logger,
      document,
      quota,
      compactor: this.compactor,
      observers,
      metrics: this.metrics,
      channel,
      remote: this.remote,
      nameOf: (connection) => this.awareness.nameOf(connection),
      reject: (connection, code, reason) => this.reject(connection, code, reason),
    });
  }

  /**
   * Loads a document from the log (see RoomDocument for when its Y.Doc is decoded). With
   * several instances, the document's channel is joined first and what arrives during the
   * load is kept and applied after it (entries the load already read are skipped by number),
   * so nothing committed elsewhere falls between the load and the subscription.
   */
  static async load(options: RoomOptions): Promise<Room> {
    const bus = options.bus ?? SINGLE_INSTANCE_BUS;
    let room: Room | null = null;
    const early: ((room: Room) => void)[] = [];
    const deliver = (handle: (room: Room) => void) => {
      if (room === null) early.push(handle);
      else if (!room.destroyed) handle(room);
    };
    const channel = await bus.join(options.name, {
      entries: (_from, entries) => deliver((r) => r.remote.receive(entries)),
      awareness: (from, update) =>
        deliver((r) => {
          if (!r.awareness.receiveRemote(from, update))
            r.logger.warn(
              { doc: r.name, from },
              'dropped an undecodable awareness update from another instance',
            );
        }),
      awarenessQuery: () => deliver((r) => r.awareness.publishLocal()),
    });
    let stored: StoredDocument | null;
    try {
      stored = await options.log.load(options.name);
    } catch (error) {
      channel.leave();
      throw error;
    }
    room = new Room(options, stored, channel);
    for (const handle of early) handle(room);
    // The others' clients' presence, for this instance's first joiner.
    channel.queryAwareness();
    room.compactor.compactIfDue();
    return room;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Who is in the document now, from the connections' awareness. */
  people(): PresentPerson[] {
    return this.awareness.people();
  }

  get isDestroyed(): boolean {
    return this.destroyed;
  }

  /** Frames received since the room loaded. */
  get receivedCount(): number {
    return this.received;
  }

  /**
   * Connects a socket: sends the server's step 1 and the awareness states present.
   * `onLeave` runs when the connection leaves (by default, just disconnecting it).
   */
  connect(
    socket: RoomSocket,
    access: Access,
    onLeave: (connection: RoomConnection) => void = (connection) => this.disconnect(connection),
  ): RoomConnection {
    const connection = new RoomConnection(this, socket, access, onLeave);
    this.connections.add(connection);
    // Without the server's step 1, edits the client made offline would never be pulled.
    const step1 = this.document.syncStep1Frame();
    socket.send(step1);
    this.metrics.sent('sync-step-1', step1.byteLength);
    this.awareness.greet(connection);
    return connection;
  }

  /** Removes a connection and tells the others its awareness states are gone. */
  disconnect(connection: RoomConnection): void {
    if (!this.connections.delete(connection)) return;
    this.awareness.forget(connection);
  }

  /** Handles one frame from a connection. A bad frame closes only that connection. */
  receive(connection: RoomConnection, frame: Uint8Array): void {
    if (!this.connections.has(connection)) return;
    let message;
    try {
      message = decodeMessage(frame);
    } catch (error) {
      const reason = error instanceof ProtocolError ? error.message : 'undecodable message';
      this.reject(connection, CloseCode.InvalidMessage, reason);
      return;
    }
    this.received++;
    this.metrics.received(message.type);
    switch (message.type) {
      case 'sync-step-1': {
        const answer = this.document.syncStep2Frame(message.stateVector);
        if (answer === null) {
          this.reject(connection, CloseCode.InvalidMessage, 'undecodable state vector');
        } else {
          connection.socket.send(answer);
          this.metrics.sent('sync-step-2', answer.byteLength);
        }
        return;
      }
      case 'sync-step-2':
      case 'sync-update':
        if (connection.access.role === Role.Read) this.ignoreReaderUpdate(connection);
        else this.updates.accept(connection, message.update);
        return;
      case 'awareness':
        if (!this.awareness.receive(connection, message.update)) {
          this.reject(connection, CloseCode.InvalidMessage, 'undecodable awareness update');
        }
        return;
      case 'query-awareness':
        this.awareness.answerQuery(connection);
        return;
      case 'auth-denied':
        this.reject(connection, CloseCode.InvalidMessage, 'clients may not send auth messages');
        return;
      default: {
        const unhandled: never = message;
        throw new Error(`unhandled message ${JSON.stringify(unhandled)}`);
      }
    }
  }

  /** Closes every connection's socket (each leaves through the transport's close handler). */
  closeConnections(code: number, reason: string): void {
    for (const connection of [...this.connections]) connection.socket.close(code, reason);
  }

  /** Decodes a deferred snapshot now, so that observers have the Y.Doc (see RoomDocument). */
  materialize(): void {
    this.document.materialized();
  }

  /**
   * The document's full state (a Yjs update). Everything in it is committed: the room's
   * Y.Doc only ever holds what the log has.
   */
  state(): Uint8Array {
    return Y.encodeStateAsUpdate(this.document.materialized());
  }

  /**
   * Commits a change the server made (a restore) as an ordinary update: size limit, log,
   * apply, broadcast to every socket. Resolves once applied; rejects when it is refused or
   * cannot be stored.
   */
  commitUpdate(update: Uint8Array): Promise<void> {
    return this.updates.commitServerUpdate(update);
  }

  /** Waits for pending appends and the observers' pending work, then folds the log into the snapshot. */
  async flush(): Promise<void> {
    await this.updates.settle();
    await Promise.all(this.observers.map((observer) => observer.flush?.()));
    await this.compactor.compactIfAny();
  }

  /**
   * Reads the entries this room lacks from the log (after a Redis reconnect, or when the
   * periodic check says the log has more). Resolves once they are applied.
   */
  catchUp(): Promise<void> {
    return this.remote.repair();
  }

  /** The periodic check's answer: the log's newest number for this document. */
  checkLatest(latest: number): void {
    this.remote.checkLatest(latest);
  }

  /** Every entry up to this number is in the room's Y.Doc. */
  get appliedThrough(): number {
    return this.compactor.appliedThrough;
  }

  /** Publishes this instance's clients' awareness states to the other instances. */
  publishPresence(): void {
    this.awareness.publishLocal();
  }

  /**
   * Has this instance's clients announce their presence anew (the others dropped it while
   * this instance's liveness key was expired).
   */
  promptPresence(): void {
    this.awareness.promptReannounce(this.connections);
  }

  /** Removes the presence of the clients connected through an instance that died. */
  forgetInstance(instanceId: string): void {
    this.awareness.forgetInstance(instanceId);
  }

  /** Releases the document's memory. The room must not be used afterwards. */
  destroy(): void {
    this.destroyed = true;
    for (const observer of this.observers) observer.destroyed?.();
    this.connections.clear();
    // First: the last leaver's presence removal, still waiting for the end of the tick,
    // must reach the other instances before the channel closes.
    this.awareness.destroy();
    this.channel.leave();
    this.remote.stop();
    this.document.destroy();
  }

  /** Broadcasts what reached the Y.Doc, by why it did (see origins.ts). */
  private onDocumentUpdate(update: Uint8Array, origin: unknown): void {
    // Every transaction in rooms/ is tagged; an untagged one would be a bug, and sending its
    // change beats losing it.
    const kind = isTransactionOrigin(origin) ? origin.kind : 'committed';
    switch (kind) {
      case 'load':
        return;
      case 'committed':
      case 'remote':
      case 'client': // (awareness origins: they never reach the Y.Doc)
      case 'server':
        // Encoded once; every socket (the sender too: its save indicator waits for the echo)
        // gets the same bytes.
        this.broadcast('sync-update', encodeSyncUpdate(update));
        return;
      default: {
        const unhandled: never = kind;
        throw new Error(`unhandled origin ${String(unhandled)}`);
      }
    }
  }

  /**
   * Read-only connections sync and show presence, but their updates are dropped: never
   * applied, stored or broadcast. The client is told once, with y-websocket's
   * permission-denied message (the stock client logs it; Inkwell's editor is read-only for
   * viewers anyway).
   */
  private ignoreReaderUpdate(connection: RoomConnection): void {
    if (connection.toldReadOnly) return;
    connection.toldReadOnly = true;
    connection.socket.send(encodePermissionDenied(READ_ONLY_REASON));
  }

  private broadcast(kind: MessageKind, frame: Uint8Array): void {
    for (const connection of this.connections) connection.socket.send(frame);
    this.metrics.broadcast(kind, this.connections.size, frame.byteLength);
  }

  private reject(connection: RoomConnection, code: number, reason: string): void {
    this.logger.warn(
      { conn: connection.socket.id, doc: this.name, code, reason },
      'closing a socket that sent a bad frame',
    );
    connection.socket.close(code, reason);
  }
}
