import { decodeMessage, type ProtocolMessage } from '../../shared/protocol.ts';
import type { RoomSocket } from '../../server/rooms/RoomSocket.ts';
import type { DocLog, StoredDocument } from '../../server/storage/DocLog.ts';
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
