import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { encodeSyncStep1, encodeSyncUpdate } from '../../../shared/protocol.ts';
import { silentLogger } from '../../../server/logger.ts';
import { RoomRegistry } from '../../../server/rooms/RoomRegistry.ts';
import { clientEdit, gatedStorage, TestSocket, WRITER } from '../../helpers/roomFakes.ts';

const editUpdate = (text: string) => clientEdit(text).update;

function setup() {
  const log = gatedStorage().log;
  const registry = new RoomRegistry({
    log,
    logger: silentLogger(),
    compactAfterUpdates: 1000,
    maxDocumentBytes: 1 << 30,
  });
  return { log, registry };
}

describe('RoomRegistry', () => {
  it('shares one load between concurrent joins of a document', async () => {
    const { log, registry } = setup();
    const connections = await Promise.all(
      Array.from({ length: 20 }, () => registry.join('doc', new TestSocket(), WRITER)),
    );
    expect(log.loads).toBe(1);
    expect(registry.loadedCount).toBe(1);
    expect(registry.connectionCount).toBe(20);
    for (const c of connections) c.leave();
  });

  it('flushes and unloads a document when its last connection leaves', async () => {
    const { log, registry } = setup();
    const connection = await registry.join('doc', new TestSocket(), WRITER);
    connection.receive(encodeSyncUpdate(editUpdate('persist me')));
    connection.leave();
    connection.leave(); // idempotent
    expect(registry.hasRoom('doc')).toBe(true); // the unload waits for the pending append
    await log.commit();
    await registry.unloadsSettled();
    expect(registry.loadedCount).toBe(0);
    expect(registry.hasRoom('doc')).toBe(false);
    const stored = await log.load('doc');
    expect(stored?.updates).toHaveLength(0);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, stored!.snapshot!);
    expect(doc.getText('text').toString()).toBe('persist me');
  });

  it('keeps a document loaded for someone who joins while it is being flushed', async () => {
    const { log, registry } = setup();
    const first = await registry.join('doc', new TestSocket(), WRITER);
    first.receive(encodeSyncUpdate(editUpdate('x')));
    first.leave(); // unload now waits for the gated append
    const secondSocket = new TestSocket();
    const second = await registry.join('doc', secondSocket, WRITER);
    await log.commit();
    await registry.unloadsSettled();
    expect(registry.loadedCount).toBe(1);
    expect(log.loads).toBe(1);
    // The room still serves the second connection.
    secondSocket.frames.length = 0;
    second.receive(encodeSyncStep1(Uint8Array.of(0)));
    expect(secondSocket.messages()[0]?.type).toBe('sync-step-2');
    second.leave();
  });

  it('loads again after an unload, from what was stored', async () => {
    const { log, registry } = setup();
    const first = await registry.join('doc', new TestSocket(), WRITER);
    first.receive(encodeSyncUpdate(editUpdate('again')));
    await log.commit();
    first.leave();
    await registry.unloadsSettled();
    expect(registry.loadedCount).toBe(0);
    const socket = new TestSocket();
    const second = await registry.join('doc', socket, WRITER);
    expect(log.loads).toBe(2);
    second.receive(encodeSyncStep1(Uint8Array.of(0)));
    const reply = socket.messages().find((m) => m.type === 'sync-step-2');
    const doc = new Y.Doc();
    if (reply?.type === 'sync-step-2') Y.applyUpdate(doc, reply.update);
    expect(doc.getText('text').toString()).toBe('again');
    second.leave();
  });

  it('keeps a room loaded for server-side work, commits its change for the clients, then unloads it', async () => {
    const { log, registry } = setup();
    const socket = new TestSocket();
    const watcher = await registry.join('doc', socket, WRITER);
    const committed = registry.withRoom('doc', async (room) => {
      watcher.leave(); // the last connection leaves while the server works
      await registry.unloadsSettled();
      expect(registry.hasRoom('doc')).toBe(true);
      const change = room.commitUpdate(editUpdate('made by the server'));
      await log.commit();
      await change;
    });
    await committed;
    await registry.unloadsSettled();
    expect(registry.loadedCount).toBe(0);
    // Stored (the unload compacted it into the snapshot), as a client's edit would be.
    const doc = new Y.Doc();
    Y.applyUpdate(doc, (await log.load('doc'))!.snapshot!);
    expect(doc.getText('text').toString()).toBe('made by the server');
  });

  it('broadcasts a server-made change to every connection as an ordinary update', async () => {
    const { log, registry } = setup();
    const sockets = [new TestSocket(), new TestSocket()];
    const connections = await Promise.all(sockets.map((s) => registry.join('doc', s, WRITER)));
    for (const s of sockets) s.frames.length = 0;
    await registry.withRoom('doc', async (room) => {
      const change = room.commitUpdate(editUpdate('restored'));
      await log.commit();
      await change;
    });
    for (const s of sockets) expect(s.messages().map((m) => m.type)).toEqual(['sync-update']);
    for (const c of connections) c.leave();
  });

  it('closes every connection with the given code on closeAll', async () => {
    const { registry } = setup();
    const sockets = [new TestSocket(), new TestSocket()];
    await registry.join('a', sockets[0]!, WRITER);
    await registry.join('b', sockets[1]!, WRITER);
    await registry.closeAll(1012, 'restarting');
    expect(sockets.map((s) => s.closed?.code)).toEqual([1012, 1012]);
    expect(registry.loadedCount).toBe(0);
  });
});
