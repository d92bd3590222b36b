import { applyAwarenessUpdate, Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import { beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CloseCode } from '../../../shared/closeCodes.ts';
import {
  encodeAwareness,
  encodeQueryAwareness,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeSyncUpdate,
} from '../../../shared/protocol.ts';
import { silentLogger } from '../../../server/logger.ts';
import { Room } from '../../../server/rooms/Room.ts';
import { gatedStorage, TestSocket, type GatedLog } from '../../helpers/roomFakes.ts';

const EMPTY_STATE_VECTOR = Uint8Array.of(0);
const WRITER = { role: 'write' } as const;

function clientEdit(text: string, doc = new Y.Doc()): { doc: Y.Doc; update: Uint8Array } {
  let update: Uint8Array | null = null;
  doc.once('update', (u: Uint8Array) => (update = u));
  doc.getText('text').insert(doc.getText('text').length, text);
  return { doc, update: update! };
}

function textOf(update: Uint8Array): string {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, update);
  return doc.getText('text').toString();
}

describe('Room', () => {
  let store: GatedLog;
  let storage: ReturnType<typeof gatedStorage>;
  let room: Room;

  beforeEach(async () => {
    storage = gatedStorage();
    store = storage.log;
    room = await Room.load({
      name: 'doc',
      storage,
      logger: silentLogger(),
      compactAfterUpdates: 1000,
      maxDocumentBytes: 1 << 30,
    });
  });

  it('greets a new socket with the server step 1, so offline edits get pulled', () => {
    const socket = new TestSocket();
    room.addSession(socket, WRITER);
    expect(socket.messages()).toEqual([{ type: 'sync-step-1', stateVector: EMPTY_STATE_VECTOR }]);
  });

  it('broadcasts an update only after the store committed it', async () => {
    const writer = new TestSocket();
    const reader = new TestSocket();
    room.addSession(writer, WRITER);
    room.addSession(reader, WRITER);
    writer.take();
    reader.take();

    room.receive(writer, encodeSyncUpdate(clientEdit('hello').update));
    await new Promise((resolve) => setImmediate(resolve));
    expect(store.pendingAppends).toBe(1);
    expect(reader.frames).toHaveLength(0);
    // A joiner's step 2 must not reveal the uncommitted edit either.
    const joiner = new TestSocket();
    room.addSession(joiner, WRITER);
    room.receive(joiner, encodeSyncStep1(EMPTY_STATE_VECTOR));
    const joinerStep2 = joiner.messages().find((m) => m.type === 'sync-step-2');
    expect(joinerStep2?.type === 'sync-step-2' && textOf(joinerStep2.update)).toBe('');

    await store.commit();
    const [message] = reader.take();
    expect(message?.type).toBe('sync-update');
    expect(message?.type === 'sync-update' && textOf(message.update)).toBe('hello');
    // The sender gets its echo: the client's save indicator relies on it.
    expect(writer.take().map((m) => m.type)).toEqual(['sync-update']);
  });

  it('sends every socket the very same broadcast bytes', async () => {
    const sockets = [new TestSocket(), new TestSocket(), new TestSocket()];
    for (const s of sockets) room.addSession(s, WRITER);
    for (const s of sockets) s.frames.length = 0;
    room.receive(sockets[0]!, encodeSyncUpdate(clientEdit('x').update));
    await store.commit();
    expect(sockets[1]!.frames[0]).toBe(sockets[0]!.frames[0]);
    expect(sockets[2]!.frames[0]).toBe(sockets[0]!.frames[0]);
  });

  it('sends the updates of one group commit as a single merged update', async () => {
    const [alice, bob, reader] = [new TestSocket(), new TestSocket(), new TestSocket()];
    for (const s of [alice, bob, reader]) room.addSession(s, WRITER);
    for (const s of [alice, bob, reader]) s.take();
    room.receive(alice, encodeSyncUpdate(clientEdit('Hello').update));
    room.receive(bob, encodeSyncUpdate(clientEdit('World').update));
    await store.commit();
    const messages = reader.take();
    expect(messages.map((m) => m.type)).toEqual(['sync-update']);
    const text = messages[0]!.type === 'sync-update' ? textOf(messages[0]!.update) : '';
    expect(['HelloWorld', 'WorldHello']).toContain(text);
    expect(alice.take().map((m) => m.type)).toEqual(['sync-update']);
  });

  it('answers step 1 with the missing content and caches the full state until the next change', async () => {
    const writer = new TestSocket();
    room.addSession(writer, WRITER);
    room.receive(writer, encodeSyncUpdate(clientEdit('stored text').update));
    await store.commit();

    const a = new TestSocket();
    const b = new TestSocket();
    for (const s of [a, b]) {
      room.addSession(s, WRITER);
      room.receive(s, encodeSyncStep1(EMPTY_STATE_VECTOR));
    }
    const step2 = (s: TestSocket) => s.frames.find((f, i) => s.messages()[i]!.type === 'sync-step-2')!;
    expect(step2(a)).toBe(step2(b));
    const message = a.messages().find((m) => m.type === 'sync-step-2');
    expect(message?.type === 'sync-step-2' && textOf(message.update)).toBe('stored text');

    room.receive(writer, encodeSyncUpdate(clientEdit(' more', new Y.Doc()).update));
    await store.commit();
    const c = new TestSocket();
    room.addSession(c, WRITER);
    room.receive(c, encodeSyncStep1(EMPTY_STATE_VECTOR));
    expect(step2(c)).not.toBe(step2(a));
  });

  it('answers a non-empty state vector with only what that client lacks', async () => {
    const writer = new TestSocket();
    room.addSession(writer, WRITER);
    const edit = clientEdit('abc');
    room.receive(writer, encodeSyncUpdate(edit.update));
    await store.commit();
    room.receive(writer, encodeSyncStep1(Y.encodeStateVector(edit.doc)));
    const reply = writer.messages().at(-1);
    expect(reply?.type).toBe('sync-step-2');
    if (reply?.type === 'sync-step-2') expect(Y.decodeUpdate(reply.update).structs).toHaveLength(0);
  });

  it('stores nothing for an empty step 2 (an up-to-date client reconnecting)', async () => {
    const socket = new TestSocket();
    room.addSession(socket, WRITER);
    room.receive(socket, encodeSyncStep2(Y.encodeStateAsUpdate(new Y.Doc())));
    expect(store.pendingAppends).toBe(0);
  });

  it('closes only the offending socket when a frame or update is malformed, and keeps the document', async () => {
    const good = new TestSocket();
    room.addSession(good, WRITER);
    room.receive(good, encodeSyncUpdate(clientEdit('keep me').update));
    await store.commit();

    const cases: Uint8Array[] = [
      Uint8Array.of(0xff, 0xff),
      Uint8Array.of(0, 2, 50, 1),
      encodeSyncUpdate(Uint8Array.of(1, 1, 1, 1, 1, 1, 1)),
      encodeSyncStep1(Uint8Array.of(5, 1)),
      encodeAwareness(Uint8Array.of(1, 1, 1, 3, 0x7b)),
      Uint8Array.of(2, 0, 1, 0x41),
    ];
    for (const frame of cases) {
      const bad = new TestSocket();
      room.addSession(bad, WRITER);
      room.receive(bad, frame);
      expect(bad.closed?.code, `frame ${Array.from(frame)}`).toBe(CloseCode.InvalidMessage);
    }
    await store.commit();
    expect(good.closed).toBeNull();
    room.receive(good, encodeSyncStep1(EMPTY_STATE_VECTOR));
    const reply = good.messages().at(-1);
    expect(reply?.type === 'sync-step-2' && textOf(reply.update)).toBe('keep me');
  });

  it('closes the sender with a retryable code and broadcasts nothing when storing fails', async () => {
    const writer = new TestSocket();
    const reader = new TestSocket();
    room.addSession(writer, WRITER);
    room.addSession(reader, WRITER);
    reader.take();
    store.failNextAppends = 1;
    room.receive(writer, encodeSyncUpdate(clientEdit('lost?').update));
    await store.commit();
    expect(writer.closed?.code).toBe(CloseCode.InternalError);
    expect(reader.frames).toHaveLength(0);
  });

  it('relays awareness, answers query-awareness, and removes a leaver’s states', () => {
    const alice = new TestSocket();
    const bob = new TestSocket();
    room.addSession(alice, WRITER);
    room.addSession(bob, WRITER);
    alice.take();
    bob.take();

    const aliceAwareness = new Awareness(new Y.Doc());
    aliceAwareness.setLocalStateField('user', { name: 'Alice' });
    room.receive(alice, encodeAwareness(encodeAwarenessUpdate(aliceAwareness, [aliceAwareness.clientID])));
    expect(bob.take().map((m) => m.type)).toEqual(['awareness']);

    room.receive(bob, encodeQueryAwareness());
    const [answer] = bob.take();
    const seen = new Awareness(new Y.Doc());
    if (answer?.type === 'awareness') applyAwarenessUpdate(seen, answer.update, 'test');
    expect(seen.getStates().get(aliceAwareness.clientID)).toEqual({ user: { name: 'Alice' } });

    // A newcomer gets the present states at once.
    const carol = new TestSocket();
    room.addSession(carol, WRITER);
    expect(carol.messages().map((m) => m.type)).toEqual(['sync-step-1', 'awareness']);

    room.removeSession(alice);
    const [removal] = bob.take();
    expect(removal?.type).toBe('awareness');
    if (removal?.type === 'awareness') applyAwarenessUpdate(seen, removal.update, 'test');
    expect(seen.getStates().has(aliceAwareness.clientID)).toBe(false);
    aliceAwareness.destroy();
    seen.destroy();
  });

  it('compacts its log into a snapshot that a fresh load reproduces', async () => {
    const compacting = await Room.load({
      name: 'c',
      storage,
      logger: silentLogger(),
      compactAfterUpdates: 3,
      maxDocumentBytes: 1 << 30,
    });
    const socket = new TestSocket();
    compacting.addSession(socket, WRITER);
    const doc = new Y.Doc();
    for (const word of ['one ', 'two ', 'three ', 'four']) {
      compacting.receive(socket, encodeSyncUpdate(clientEdit(word, doc).update));
      await store.commit();
    }
    await compacting.flush();
    const stored = await store.load('c');
    expect(stored?.updates).toHaveLength(0);
    expect(textOf(stored!.snapshot!)).toBe('one two three four');
  });

  describe('a document stored as one snapshot', () => {
    async function storedSnapshot(text: string) {
      const doc = new Y.Doc();
      doc.getText('text').insert(0, text);
      const appended = store.append('snap', Y.encodeStateAsUpdate(doc));
      await store.commit();
      await store.compact('snap', Y.encodeStateAsUpdate(doc), Y.encodeStateVector(doc), await appended);
      return Room.load({
        name: 'snap',
        storage,
        logger: silentLogger(),
        compactAfterUpdates: 1000,
        maxDocumentBytes: 1 << 30,
      });
    }

    it('answers a fresh client with exactly the stored snapshot', async () => {
      const snapRoom = await storedSnapshot('from the snapshot');
      const socket = new TestSocket();
      snapRoom.addSession(socket, WRITER);
      snapRoom.receive(socket, encodeSyncStep1(EMPTY_STATE_VECTOR));
      const snapshot = (await store.load('snap'))!.snapshot!;
      expect(socket.frames.at(-1)).toEqual(encodeSyncStep2(snapshot));
    });

    it('accepts updates and answers state vectors before the deferred decode has run', async () => {
      const snapRoom = await storedSnapshot('base');
      const writer = new TestSocket();
      snapRoom.addSession(writer, WRITER);
      const mine = new Y.Doc();
      Y.applyUpdate(mine, (await store.load('snap'))!.snapshot!);
      mine.getText('text').insert(4, ' and more');
      snapRoom.receive(writer, encodeSyncUpdate(Y.encodeStateAsUpdate(mine)));
      snapRoom.receive(writer, encodeSyncStep1(Y.encodeStateVector(new Y.Doc())));
      await store.commit();
      const joiner = new TestSocket();
      snapRoom.addSession(joiner, WRITER);
      snapRoom.receive(joiner, encodeSyncStep1(EMPTY_STATE_VECTOR));
      const reply = joiner.messages().at(-1);
      expect(reply?.type === 'sync-step-2' && textOf(reply.update)).toBe('base and more');
      await snapRoom.flush();
      const stored = await store.load('snap');
      expect(textOf(stored!.snapshot!)).toBe('base and more');
      expect(stored!.snapshotStateVector).toEqual(Y.encodeStateVector(mine));
    });
  });
});
