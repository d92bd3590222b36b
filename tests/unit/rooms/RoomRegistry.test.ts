import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { encodeSyncStep1, encodeSyncUpdate } from '../../../shared/protocol.ts';
import { silentLogger } from '../../../server/logger.ts';
import { RoomRegistry } from '../../../server/rooms/RoomRegistry.ts';
import { gatedStorage, TestSocket } from '../../helpers/roomFakes.ts';

function editUpdate(text: string): Uint8Array {
  const doc = new Y.Doc();
  let update: Uint8Array | null = null;
  doc.on('update', (u: Uint8Array) => (update = u));
  doc.getText('text').insert(0, text);
  return update!;
}

const WRITER = { role: 'write' } as const;

const newRegistry = (storage: ReturnType<typeof gatedStorage>) =>
  new RoomRegistry({ storage, logger: silentLogger(), compactAfterUpdates: 1000, maxDocumentBytes: 1 << 30 });

describe('RoomRegistry', () => {
  it('shares one load between concurrent joins of a document', async () => {
    const storage = gatedStorage();
    const store = storage.log;
    const registry = newRegistry(storage);
    const sessions = await Promise.all(
      Array.from({ length: 20 }, () => registry.join('doc', new TestSocket(), WRITER)),
    );
    expect(store.loads).toBe(1);
    expect(registry.loadedCount).toBe(1);
    expect(registry.sessionCount).toBe(20);
    for (const s of sessions) s.leave();
  });

  it('flushes and unloads a document when its last session leaves', async () => {
    const storage = gatedStorage();
    const store = storage.log;
    const registry = newRegistry(storage);
    const socket = new TestSocket();
    const session = await registry.join('doc', socket, WRITER);
    session.receive(encodeSyncUpdate(editUpdate('persist me')));
    session.leave();
    session.leave(); // idempotent
    await store.commit();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(registry.loadedCount).toBe(0);
    const stored = await store.load('doc');
    expect(stored?.updates).toHaveLength(0);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, stored!.snapshot!);
    expect(doc.getText('text').toString()).toBe('persist me');
  });

  it('keeps a document loaded for someone who joins while it is being flushed', async () => {
    const storage = gatedStorage();
    const store = storage.log;
    const registry = newRegistry(storage);
    const first = await registry.join('doc', new TestSocket(), WRITER);
    first.receive(encodeSyncUpdate(editUpdate('x')));
    first.leave(); // unload now waits for the gated append
    const secondSocket = new TestSocket();
    const second = await registry.join('doc', secondSocket, WRITER);
    await store.commit();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(registry.loadedCount).toBe(1);
    expect(store.loads).toBe(1);
    // The room still serves the second session.
    secondSocket.frames.length = 0;
    second.receive(encodeSyncStep1(Uint8Array.of(0)));
    expect(secondSocket.messages()[0]?.type).toBe('sync-step-2');
    second.leave();
  });

  it('loads again after an unload, from what was stored', async () => {
    const storage = gatedStorage();
    const store = storage.log;
    const registry = newRegistry(storage);
    const first = await registry.join('doc', new TestSocket(), WRITER);
    first.receive(encodeSyncUpdate(editUpdate('again')));
    await store.commit();
    first.leave();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(registry.loadedCount).toBe(0);
    const socket = new TestSocket();
    const second = await registry.join('doc', socket, WRITER);
    expect(store.loads).toBe(2);
    second.receive(encodeSyncStep1(Uint8Array.of(0)));
    const reply = socket.messages().find((m) => m.type === 'sync-step-2');
    const doc = new Y.Doc();
    if (reply?.type === 'sync-step-2') Y.applyUpdate(doc, reply.update);
    expect(doc.getText('text').toString()).toBe('again');
    second.leave();
  });

  it('closes every session with the given code on closeAll', async () => {
    const registry = newRegistry(gatedStorage());
    const sockets = [new TestSocket(), new TestSocket()];
    await registry.join('a', sockets[0]!, WRITER);
    await registry.join('b', sockets[1]!, WRITER);
    await registry.closeAll(1012, 'restarting');
    expect(sockets.map((s) => s.closed?.code)).toEqual([1012, 1012]);
    expect(registry.loadedCount).toBe(0);
  });
});
