import * as Y from 'yjs';
import {
  Awareness,
  applyAwarenessUpdate,
  encodeAwarenessUpdate,
  removeAwarenessStates,
} from 'y-protocols/awareness';
import type { Role } from '../../shared/access.ts';
import { CloseCode } from '../../shared/closeCodes.ts';
import {
  decodeMessage,
  encodeAwareness,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeSyncUpdate,
  encodePermissionDenied,
  ProtocolError,
} from '../../shared/protocol.ts';
import type { Logger } from '../logger.ts';
import type { StoredDocument } from '../storage/DocLog.ts';
import type { Storage } from '../storage/Storage.ts';
import { readTitle } from './documentTitle.ts';
import {
  COMMITTED_ORIGIN,
  isTransactionOrigin,
  LOAD_ORIGIN,
  SERVER_ORIGIN,
  type TransactionOrigin,
} from './origins.ts';
import type { RoomSocket } from './RoomSocket.ts';

export interface RoomOptions {
  name: string;
  storage: Storage;
  logger: Logger;
  /** Log entries after which the log is folded into the snapshot. */
  compactAfterUpdates: number;
  /** Stored size (snapshot plus log) past which updates are refused. */
  maxDocumentBytes: number;
}

/** What a socket may do in a room. */
export interface SessionAccess {
  role: Role;
}

interface Session {
  access: SessionAccess;
  /** Awareness client IDs this socket announced (removed when it leaves). */
  awarenessClients: Set<number>;
  /** A reader is told once that its updates are ignored. */
  toldReadOnly: boolean;
}

/** How long a stored snapshot may wait before it is decoded (see Room.deferSnapshot). */
const DEFERRED_DECODE_DELAY_MS = 250;

/** Sent (once) to a read-only session that sends an update. */
export const READ_ONLY_REASON = 'read-only: this session cannot change the document';

/** An update the store has committed, waiting to be applied (see Room.applyCommitted). */
interface CommittedUpdate {
  socket: RoomSocket;
  update: Uint8Array;
  seq: number;
}

interface AwarenessChange {
  added: number[];
  updated: number[];
  removed: number[];
}

/** The encoding of an empty state vector: what a client that holds nothing sends. */
const isEmptyStateVector = (stateVector: Uint8Array) => stateVector.byteLength === 1 && stateVector[0] === 0;

/** A Yjs update that changes nothing (no structs, no deletions), e.g. an up-to-date step 2. */
const isEmptyUpdate = (decoded: ReturnType<typeof Y.decodeUpdate>) =>
  decoded.structs.length === 0 && decoded.ds.clients.size === 0;

/**
 * One loaded document: its Y.Doc, its awareness, and the sockets editing it.
 *
 * Durability rule: a client's update is committed to the store *before* it is applied to
 * the Y.Doc, and only the Y.Doc's own `update` event broadcasts. So the Y.Doc never holds
 * anything the store lacks, and nothing any client receives (a broadcast, a step 2, the
 * cached full state) can be lost by a crash.
 */
export class Room {
  readonly name: string;
  private readonly doc: Y.Doc;
  private readonly awareness: Awareness;
  private readonly storage: Storage;
  private readonly logger: Logger;
  private readonly compactAfterUpdates: number;
  private readonly maxDocumentBytes: number;

  private readonly sessions = new Map<RoomSocket, Session>();
  /** Appends not yet settled; flushing waits for them. */
  private readonly inflightWrites = new Set<Promise<void>>();
  /** Committed in the current group commit, applied together in a microtask. */
  private committed: CommittedUpdate[] = [];
  /** Encoded once per document version and shared by every joining socket. */
  private cachedFullState: Uint8Array | null = null;
  private cachedStateVector: Uint8Array | null = null;
  /** Highest store sequence number applied to `doc`: compaction may drop up to it. */
  private appliedThroughSeq: number;
  /** Log entries written since the last snapshot. */
  private logLength: number;
  /** Stored size, as the size limit counts it: snapshot, applied log, accepted in flight. */
  private snapshotBytes: number;
  private logBytes: number;
  private inflightBytes = 0;
  private compaction: Promise<void> | null = null;
  private destroyed = false;
  /** The editor title last mirrored to the store (for the document list). */
  private title: string | null = null;
  /** A stored snapshot not yet decoded into `doc` (see deferSnapshot). */
  private unappliedSnapshot: Uint8Array | null = null;

  private constructor(options: RoomOptions, doc: Y.Doc, stored: StoredDocument | null) {
    this.name = options.name;
    this.storage = options.storage;
    this.logger = options.logger;
    this.compactAfterUpdates = options.compactAfterUpdates;
    this.maxDocumentBytes = options.maxDocumentBytes;
    this.doc = doc;
    this.appliedThroughSeq = stored?.lastSeq ?? 0;
    this.logLength = stored?.updates.length ?? 0;
    this.snapshotBytes = stored?.snapshot?.byteLength ?? 0;
    this.logBytes = stored?.updates.reduce((sum, update) => sum + update.byteLength, 0) ?? 0;
    this.doc.on('update', (update: Uint8Array, origin: unknown) => this.onDocUpdate(update, origin));
    this.awareness = new Awareness(doc);
    // The server is not a participant: it must not appear in anyone's presence list.
    this.awareness.setLocalState(null);
    this.awareness.on('update', (change: AwarenessChange, origin: unknown) =>
      this.onAwarenessUpdate(change, origin),
    );
  }

  /**
   * Loads a document from the store. A document that is exactly one snapshot (the common
   * case: every unload compacts) is served from the stored bytes at once; its Y.Doc is
   * decoded right after, or earlier if something needs it. Otherwise the snapshot and newer
   * log entries are replayed now.
   */
  static async load(options: RoomOptions): Promise<Room> {
    const stored = await options.storage.log.load(options.name);
    const room = new Room(options, new Y.Doc(), stored);
    if (stored?.snapshot && stored.snapshotStateVector && stored.updates.length === 0) {
      room.deferSnapshot(stored.snapshot, stored.snapshotStateVector);
    } else if (stored !== null) {
      room.replay(stored);
    }
    if (room.logLength >= room.compactAfterUpdates) void room.compact();
    return room;
  }

  private replay(stored: StoredDocument): void {
    this.doc.transact(() => {
      if (stored.snapshot !== null) Y.applyUpdate(this.doc, stored.snapshot, LOAD_ORIGIN);
      for (const update of stored.updates) {
        try {
          Y.applyUpdate(this.doc, update, LOAD_ORIGIN);
        } catch (error) {
          // Every stored update passed Y.decodeUpdate; one that still fails to apply is
          // skipped so that one bad entry cannot make the whole document unloadable.
          this.logger.error({ err: error, doc: this.name }, 'skipped a stored update that does not apply');
        }
      }
    }, LOAD_ORIGIN);
    this.title = readTitle(this.doc);
  }

  /**
   * Decoding a large snapshot into a Y.Doc takes tens of milliseconds, and a fresh client's
   * first sync needs only the snapshot's bytes and state vector, which the store keeps. So
   * the caches start as those bytes and the Y.Doc is built a little later: late enough that
   * the client that caused the load (whose step 1 is usually still in flight) is answered
   * first, and at once if an update or a compaction needs it before then.
   */
  private deferSnapshot(snapshot: Uint8Array, stateVector: Uint8Array): void {
    this.unappliedSnapshot = snapshot;
    this.cachedFullState = encodeSyncStep2(snapshot);
    this.cachedStateVector = encodeSyncStep1(stateVector);
    setTimeout(() => this.materialize(), DEFERRED_DECODE_DELAY_MS).unref();
  }

  /** Builds the Y.Doc from a deferred snapshot; a no-op once built. */
  private materialize(): void {
    const snapshot = this.unappliedSnapshot;
    if (snapshot === null || this.destroyed) return;
    this.unappliedSnapshot = null;
    try {
      // Origin 'load': the caches already describe this state and stay valid.
      Y.applyUpdate(this.doc, snapshot, LOAD_ORIGIN);
    } catch (error) {
      this.logger.error({ err: error, doc: this.name }, 'stored snapshot does not apply');
    }
    this.title = readTitle(this.doc);
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  get isDestroyed(): boolean {
    return this.destroyed;
  }

  /** Adds a socket: sends the server's step 1 and the awareness states present. */
  addSession(socket: RoomSocket, access: SessionAccess): void {
    this.sessions.set(socket, { access, awarenessClients: new Set(), toldReadOnly: false });
    // Without the server's step 1, edits the client made offline would never be pulled.
    socket.send(this.stateVectorFrame());
    const clients = [...this.awareness.getStates().keys()];
    if (clients.length > 0) socket.send(encodeAwareness(encodeAwarenessUpdate(this.awareness, clients)));
  }

  /** Removes a socket and tells the others its awareness states are gone. */
  removeSession(socket: RoomSocket): void {
    const session = this.sessions.get(socket);
    if (session === undefined) return;
    this.sessions.delete(socket);
    const clients = [...session.awarenessClients];
    if (clients.length > 0) removeAwarenessStates(this.awareness, clients, SERVER_ORIGIN);
  }

  /** Handles one frame from a socket. Never throws: a bad frame closes only that socket. */
  receive(socket: RoomSocket, frame: Uint8Array): void {
    const session = this.sessions.get(socket);
    if (session === undefined) return;
    let message;
    try {
      message = decodeMessage(frame);
    } catch (error) {
      const reason = error instanceof ProtocolError ? error.message : 'undecodable message';
      this.reject(socket, CloseCode.InvalidMessage, reason);
      return;
    }
    switch (message.type) {
      case 'sync-step-1':
        this.answerStep1(socket, message.stateVector);
        return;
      case 'sync-step-2':
      case 'sync-update':
        if (session.access.role === 'read') this.ignoreReaderUpdate(socket, session);
        else this.acceptUpdate(socket, message.update);
        return;
      case 'awareness':
        this.acceptAwareness(socket, message.update);
        return;
      case 'query-awareness':
        this.sendAllAwareness(socket);
        return;
      case 'auth-denied':
        this.reject(socket, CloseCode.InvalidMessage, 'clients may not send auth messages');
        return;
      default: {
        const unhandled: never = message;
        throw new Error(`unhandled message ${JSON.stringify(unhandled)}`);
      }
    }
  }

  /** Closes every socket (they will leave through the transport's close handler). */
  closeAllSessions(code: number, reason: string): void {
    for (const socket of [...this.sessions.keys()]) socket.close(code, reason);
  }

  /** Waits for pending appends, then folds the log into the snapshot. */
  async flush(): Promise<void> {
    while (this.inflightWrites.size > 0) await Promise.allSettled([...this.inflightWrites]);
    this.applyCommitted();
    if (this.logLength > 0) await this.compact();
  }

  /** Releases the document's memory. The room must not be used afterwards. */
  destroy(): void {
    this.destroyed = true;
    this.sessions.clear();
    this.awareness.destroy();
    this.doc.destroy();
  }

  private answerStep1(socket: RoomSocket, stateVector: Uint8Array): void {
    if (isEmptyStateVector(stateVector)) {
      socket.send(this.fullStateFrame());
      return;
    }
    this.materialize();
    let diff: Uint8Array;
    try {
      diff = Y.encodeStateAsUpdate(this.doc, stateVector);
    } catch {
      this.reject(socket, CloseCode.InvalidMessage, 'undecodable state vector');
      return;
    }
    socket.send(encodeSyncStep2(diff));
  }

  private acceptUpdate(socket: RoomSocket, update: Uint8Array): void {
    let decoded;
    try {
      // Full structural validation before the bytes reach the store.
      decoded = Y.decodeUpdate(update);
    } catch {
      this.reject(socket, CloseCode.InvalidMessage, 'undecodable Yjs update');
      return;
    }
    if (isEmptyUpdate(decoded)) return;
    const bytes = update.byteLength;
    if (this.snapshotBytes + this.logBytes + this.inflightBytes + bytes > this.maxDocumentBytes) {
      // Refused before it is stored: the document stays exactly as it was.
      this.reject(socket, CloseCode.MessageTooBig, `document would exceed ${this.maxDocumentBytes} bytes`);
      return;
    }
    this.inflightBytes += bytes;
    const write = this.storage.log.append(this.name, update).then(
      (seq) => {
        this.inflightBytes -= bytes;
        this.logBytes += bytes;
        this.committed.push({ socket, update, seq });
        // The store settles a whole group commit's appends in one run of microtasks; this one
        // is queued behind them, so it sees the whole batch.
        if (this.committed.length === 1) queueMicrotask(() => this.applyCommitted());
      },
      (error: unknown) => {
        this.inflightBytes -= bytes;
        this.logger.error({ err: error, doc: this.name }, 'could not store an update');
        // Retryable: the client still holds the change and resends it after reconnecting.
        socket.close(CloseCode.InternalError, 'could not store the update');
      },
    );
    this.inflightWrites.add(write);
    void write.finally(() => this.inflightWrites.delete(write));
  }

  /**
   * Applies every update of one group commit in a single Yjs transaction, so that they reach
   * each socket as one merged update (Yjs encodes a transaction's changes once). A quiet room
   * sends one frame per keystroke as before; a busy one sends one frame per commit instead
   * of one per update, which is what keeps a hot room's sockets and latency in check.
   */
  private applyCommitted(): void {
    const batch = this.committed;
    if (batch.length === 0 || this.destroyed) return;
    this.committed = [];
    this.materialize();
    this.doc.transact(() => {
      for (const { socket, update, seq } of batch) {
        this.appliedThroughSeq = Math.max(this.appliedThroughSeq, seq);
        this.logLength++;
        try {
          Y.applyUpdate(this.doc, update, COMMITTED_ORIGIN);
        } catch (error) {
          this.logger.warn({ err: error, doc: this.name }, 'a stored update did not apply');
          this.reject(socket, CloseCode.InvalidMessage, 'Yjs update does not apply');
        }
      }
    }, COMMITTED_ORIGIN);
    this.mirrorTitle();
    if (this.logLength >= this.compactAfterUpdates) void this.compact();
  }

  private mirrorTitle(): void {
    const title = readTitle(this.doc);
    if (title === this.title) return;
    this.title = title;
    this.storage.catalogue
      .setTitle(this.name, title)
      .catch((error: unknown) =>
        this.logger.error({ err: error, doc: this.name }, 'could not record the title'),
      );
  }

  private onDocUpdate(update: Uint8Array, origin: unknown): void {
    if (isTransactionOrigin(origin) && origin.kind === 'load') return;
    this.cachedFullState = null;
    this.cachedStateVector = null;
    // Encoded once; every socket (the sender too: its save indicator waits for the echo)
    // gets the same bytes.
    this.broadcast(encodeSyncUpdate(update));
  }

  /**
   * Read-only sessions sync and show presence, but their updates are dropped: never applied,
   * stored or broadcast. The client is told once, with y-websocket's permission-denied
   * message (the stock client logs it; Inkwell's editor is read-only for viewers anyway).
   */
  private ignoreReaderUpdate(socket: RoomSocket, session: Session): void {
    if (session.toldReadOnly) return;
    session.toldReadOnly = true;
    socket.send(encodePermissionDenied(READ_ONLY_REASON));
  }

  private acceptAwareness(socket: RoomSocket, update: Uint8Array): void {
    const origin: TransactionOrigin = { kind: 'client', socket };
    try {
      applyAwarenessUpdate(this.awareness, update, origin);
    } catch {
      this.reject(socket, CloseCode.InvalidMessage, 'undecodable awareness update');
    }
  }

  private onAwarenessUpdate({ added, updated, removed }: AwarenessChange, origin: unknown): void {
    if (isTransactionOrigin(origin) && origin.kind === 'client') {
      const announced = this.sessions.get(origin.socket)?.awarenessClients;
      if (announced !== undefined) {
        for (const client of added) announced.add(client);
        for (const client of removed) announced.delete(client);
      }
    }
    // Renewals ("updated" with the same state) are relayed too: they keep every client's
    // view of the others alive, and echoing them to the sender resets its 30 s timer.
    const changed = added.concat(updated, removed);
    this.broadcast(encodeAwareness(encodeAwarenessUpdate(this.awareness, changed)));
  }

  private sendAllAwareness(socket: RoomSocket): void {
    const clients = [...this.awareness.getStates().keys()];
    socket.send(encodeAwareness(encodeAwarenessUpdate(this.awareness, clients)));
  }

  private broadcast(frame: Uint8Array): void {
    for (const socket of this.sessions.keys()) socket.send(frame);
  }

  private fullStateFrame(): Uint8Array {
    if (this.cachedFullState === null) this.materialize();
    this.cachedFullState ??= encodeSyncStep2(Y.encodeStateAsUpdate(this.doc));
    return this.cachedFullState;
  }

  private stateVectorFrame(): Uint8Array {
    if (this.cachedStateVector === null) this.materialize();
    this.cachedStateVector ??= encodeSyncStep1(Y.encodeStateVector(this.doc));
    return this.cachedStateVector;
  }

  private compact(): Promise<void> {
    if (this.compaction !== null) return this.compaction;
    const covered = this.logLength;
    const coveredBytes = this.logBytes;
    const throughSeq = this.appliedThroughSeq;
    this.materialize();
    const snapshot = Y.encodeStateAsUpdate(this.doc);
    this.compaction = this.storage.log
      .compact(this.name, snapshot, Y.encodeStateVector(this.doc), throughSeq)
      .then(
        () => {
          this.logLength -= covered;
          this.logBytes -= coveredBytes;
          this.snapshotBytes = snapshot.byteLength;
        },
        (error: unknown) => this.logger.error({ err: error, doc: this.name }, 'compaction failed'),
      )
      .finally(() => {
        this.compaction = null;
      });
    return this.compaction;
  }

  private reject(socket: RoomSocket, code: number, reason: string): void {
    this.logger.warn({ doc: this.name, code, reason }, 'closing a socket that sent a bad frame');
    socket.close(code, reason);
  }
}
