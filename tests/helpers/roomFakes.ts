import { decodeMessage, type ProtocolMessage } from '../../shared/protocol.ts';
import type { RoomSocket } from '../../server/rooms/RoomSocket.ts';
import type { DocStore } from '../../server/storage/DocStore.ts';
import { MemoryDocStore } from '../../server/storage/MemoryDocStore.ts';

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
 * A MemoryDocStore whose appends commit only when the test calls `commit()`, so a test can
 * observe the room between "update received" and "update durable". Counts loads.
 */
export class GatedStore extends MemoryDocStore implements DocStore {
  loads = 0;
  failNextAppends = 0;
  private gated: (() => void)[] = [];

  override async load(name: string) {
    this.loads++;
    return super.load(name);
  }

  override append(name: string, update: Uint8Array): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.gated.push(() => {
        if (this.failNextAppends > 0) {
          this.failNextAppends--;
          reject(new Error('disk full'));
          return;
        }
        super.append(name, update).then(resolve, reject);
      });
    });
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
