import * as Y from 'yjs';
import { decodeMessage, type ProtocolMessage } from '../../shared/protocol.ts';
import { silentLogger } from '../../server/logger.ts';
import { Room, type RoomOptions } from '../../server/rooms/Room.ts';
import { Role, type Access } from '../../shared/access.ts';
import type { RoomConnection } from '../../server/rooms/RoomConnection.ts';
import type { RoomSocket } from '../../server/rooms/RoomSocket.ts';
import type { DocLog, LogTail, StoredDocument } from '../../server/storage/DocLog.ts';
import { createMemoryStorage } from '../../server/storage/memory/createMemoryStorage.ts';
import type { Storage } from '../../server/storage/Storage.ts';

/** A RoomSocket that records what the room sends it. */
export class TestSocket implements RoomSocket {
  readonly frames: Uint8Array[] = [];
  closed: { code: number; reason: string } | null = null;

  send(frame: Uint8Array): void {
    if (this.closed === null) this.frames.push(frame);
  }

  close(code: number, reason: string): void {
    this.closed ??= { code, reason };
  }

  messages(): ProtocolMessage[] {
    return this.frames.map(decodeMessage);
  }

  take(): ProtocolMessage[] {
    const taken = this.messages();
    this.frames.length = 0;
    return taken;
  }
}

export const WRITER: Access = { role: Role.Write };
export const READER: Access = { role: Role.Read };

/** A TestSocket connected to a room; `deliver` hands the room a frame as the transport would. */
export class ConnectedSocket extends TestSocket {
  readonly connection: RoomConnection;

  constructor(room: Room, access: Access = WRITER) {
    super();
    this.connection = room.connect(this, access);
  }

  deliver(frame: Uint8Array): void {
    this.connection.receive(frame);
  }
}

/** Loads a room over the given log with test defaults (no compaction, no size limit). */
export function openRoom(log: DocLog, overrides: Partial<RoomOptions> = {}): Promise<Room> {
  return Room.load({
    name: 'doc',
    log,
    logger: silentLogger(),
    compactAfterUpdates: 1000,
    maxDocumentBytes: 1 << 30,
    ...overrides,
  });
}

/** A client's edit: appends `text` to the Y.Text `text` of `doc`, and the update that made. */
export function clientEdit(text: string, doc = new Y.Doc()): { doc: Y.Doc; update: Uint8Array } {
  let update: Uint8Array | null = null;
  doc.once('update', (u: Uint8Array) => (update = u));
  doc.getText('text').insert(doc.getText('text').length, text);
  return { doc, update: update! };
}

/** The Y.Text `text` of a document given as one update. */
export function textOf(update: Uint8Array): string {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, update);
  return doc.getText('text').toString();
}

/**
 * A log whose appends commit only when the test calls `commit()`, so a test can observe the
 * room between "update received" and "update durable". Counts loads.
 */
export class GatedLog implements DocLog {
  loads = 0;
  failNextAppends = 0;
  private gated: (() => void)[] = [];

  constructor(private readonly inner: DocLog) {}

  load(name: string): Promise<StoredDocument | null> {
    this.loads++;
    return this.inner.load(name);
  }

  append(name: string, update: Uint8Array): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.gated.push(() => {
        if (this.failNextAppends > 0) {
          this.failNextAppends--;
          reject(new Error('disk full'));
          return;
        }
        this.inner.append(name, update).then(resolve, reject);
      });
    });
  }

  compact(name: string, snapshot: Uint8Array, stateVector: Uint8Array, throughSeq: number): Promise<void> {
    return this.inner.compact(name, snapshot, stateVector, throughSeq);
  }

  readAfter(name: string, afterSeq: number): Promise<LogTail | null> {
    return this.inner.readAfter(name, afterSeq);
  }

  lastSeqs(names: readonly string[]): Promise<Map<string, number>> {
    return this.inner.lastSeqs(names);
  }

  flush(): Promise<void> {
    return this.inner.flush();
  }

  get pendingAppends(): number {
    return this.gated.length;
  }

  /** Commits every gated append and lets their continuations run. */
  async commit(): Promise<void> {
    const gated = this.gated;
    this.gated = [];
    for (const release of gated) release();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Memory storage whose log is gated (see GatedLog). */
export function gatedStorage(): Storage & { readonly log: GatedLog } {
  const memory = createMemoryStorage();
  return { ...memory, log: new GatedLog(memory.log) };
}
