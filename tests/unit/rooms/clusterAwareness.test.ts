import { applyAwarenessUpdate, Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { encodeAwareness } from '../../../shared/protocol.ts';
import type { Room } from '../../../server/rooms/Room.ts';
import { RoomRegistry } from '../../../server/rooms/RoomRegistry.ts';
import { silentLogger } from '../../../server/logger.ts';
import { createMemoryStorage } from '../../../server/storage/memory/createMemoryStorage.ts';
import { ConnectedSocket, openRoom, TestSocket, WRITER } from '../../helpers/roomFakes.ts';
import { TestBusHub } from '../../helpers/TestBus.ts';

/** Rooms of one document on several instances, sharing a log and a test bus. */
async function instances(...ids: string[]) {
  const storage = createMemoryStorage();
  const hub = new TestBusHub();
  const rooms = new Map<string, Room>();
  for (const id of ids) rooms.set(id, await openRoom(storage.log, { bus: hub.bus(id) }));
  hub.deliver();
  return { hub, storage, room: (id: string) => rooms.get(id)! };
}

/** A client's awareness, whose changes the test sends through `socket` by hand. */
function clientAwareness(socket: ConnectedSocket) {
  const awareness = new Awareness(new Y.Doc());
  const send = () => socket.deliver(encodeAwareness(encodeAwarenessUpdate(awareness, [awareness.clientID])));
  return { awareness, send };
}

const namesIn = (room: Room) => room.people().map((p) => p.name);

describe('presence across instances', () => {
  it('publishes one message for the changes of one tick, and relays it on the other instance without re-publishing', async () => {
    const { hub, room } = await instances('a', 'b');
    const reader = new ConnectedSocket(room('b'));
    reader.take();
    const ann = clientAwareness(new ConnectedSocket(room('a')));
    for (const x of [1, 2, 3]) {
      ann.awareness.setLocalState({ user: { name: 'Ann' }, cursor: x });
      ann.send();
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(hub.pending).toBe(1);
    hub.deliver();
    expect(namesIn(room('b'))).toEqual(['Ann']);
    expect(reader.take().map((m) => m.type)).toEqual(['awareness']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(hub.pending).toBe(0);
  });

  it('removes a leaving client’s presence on the other instances', async () => {
    const { hub, room } = await instances('a', 'b');
    const socket = new ConnectedSocket(room('a'));
    const ann = clientAwareness(socket);
    ann.awareness.setLocalState({ user: { name: 'Ann' } });
    ann.send();
    await new Promise((resolve) => setImmediate(resolve));
    hub.deliver();
    expect(namesIn(room('b'))).toEqual(['Ann']);
    room('a').disconnect(socket.connection);
    await new Promise((resolve) => setImmediate(resolve));
    hub.deliver();
    expect(namesIn(room('b'))).toEqual([]);
  });

  it('tells the others when the last client of an instance leaves and its room unloads', async () => {
    const storage = createMemoryStorage();
    const hub = new TestBusHub();
    const registry = new RoomRegistry({
      log: storage.log,
      logger: silentLogger(),
      compactAfterUpdates: 1000,
      maxDocumentBytes: 1 << 30,
      bus: hub.bus('a'),
    });
    const b = await openRoom(storage.log, { bus: hub.bus('b') });
    const socket = new TestSocket();
    const connection = await registry.join('doc', socket, WRITER);
    hub.deliver();
    const ann = new Awareness(new Y.Doc());
    ann.setLocalState({ user: { name: 'Ann' } });
    connection.receive(encodeAwareness(encodeAwarenessUpdate(ann, [ann.clientID])));
    await new Promise((resolve) => setImmediate(resolve));
    hub.deliver();
    expect(namesIn(b)).toEqual(['Ann']);
    connection.leave();
    await registry.unloadsSettled();
    expect(registry.loadedCount).toBe(0);
    hub.deliver();
    expect(namesIn(b)).toEqual([]);
  });

  it('drops the presence of a dead instance’s clients, and tells only its own sockets', async () => {
    const { hub, room } = await instances('a', 'b');
    const ann = clientAwareness(new ConnectedSocket(room('a')));
    ann.awareness.setLocalState({ user: { name: 'Ann' } });
    ann.send();
    await new Promise((resolve) => setImmediate(resolve));
    hub.deliver();
    const reader = new ConnectedSocket(room('b'));
    reader.take();
    room('b').forgetInstance('a');
    expect(namesIn(room('b'))).toEqual([]);
    expect(reader.take().map((m) => m.type)).toEqual(['awareness']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(hub.pending).toBe(0);
  });

  it('brings back the presence the others dropped while this instance stalled, by having its clients re-announce', async () => {
    const { hub, room } = await instances('a', 'b');
    const socket = new ConnectedSocket(room('a'));
    const ann = clientAwareness(socket);
    ann.awareness.setLocalState({ user: { name: 'Ann' } });
    ann.send();
    await new Promise((resolve) => setImmediate(resolve));
    hub.deliver();
    // B took A for dead (its liveness key expired during the stall).
    room('b').forgetInstance('a');
    // Republishing Ann's state cannot undo that: B removed her at that very clock.
    room('a').publishPresence();
    hub.deliver();
    expect(namesIn(room('b'))).toEqual([]);

    socket.take();
    room('a').promptPresence();
    const [prompt] = socket.take();
    if (prompt?.type !== 'awareness') throw new Error(`expected an awareness frame, got ${prompt?.type}`);
    // The client does what y-protocols does: keeps its state, raises its clock, sends it.
    applyAwarenessUpdate(ann.awareness, prompt.update, 'server');
    expect(ann.awareness.getLocalState()).toEqual({ user: { name: 'Ann' } });
    ann.send();
    await new Promise((resolve) => setImmediate(resolve));
    hub.deliver();
    expect(namesIn(room('b'))).toEqual(['Ann']);
  });

  it('lets an instance that joins later learn the states already present elsewhere', async () => {
    const storage = createMemoryStorage();
    const hub = new TestBusHub();
    const a = await openRoom(storage.log, { bus: hub.bus('a') });
    const ann = clientAwareness(new ConnectedSocket(a));
    ann.awareness.setLocalState({ user: { name: 'Ann' } });
    ann.send();
    await new Promise((resolve) => setImmediate(resolve));
    hub.deliver(); // nobody else yet
    const late = await openRoom(storage.log, { bus: hub.bus('late') });
    hub.deliver(); // the late room's query reaches A, which answers
    hub.deliver(); // the answer reaches the late room
    expect(namesIn(late)).toEqual(['Ann']);
  });
});
