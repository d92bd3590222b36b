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
import type { Room } from '../../../server/rooms/Room.ts';
import {
  clientEdit,
  ConnectedSocket,
  gatedStorage,
  openRoom,
  textOf,
  type GatedLog,
} from '../../helpers/roomFakes.ts';

const EMPTY_STATE_VECTOR = Uint8Array.of(0);

describe('Room', () => {
  let log: GatedLog;
  let room: Room;
  const connect = () => new ConnectedSocket(room);

  beforeEach(async () => {
    log = gatedStorage().log;
    room = await openRoom(log);
  });

  it('greets a new socket with the server step 1, so offline edits get pulled', () => {
    const socket = connect();
    expect(socket.messages()).toEqual([{ type: 'sync-step-1', stateVector: EMPTY_STATE_VECTOR }]);
  });

  it('broadcasts an update only after the log committed it', async () => {
    const writer = connect();
    const reader = connect();
    writer.take();
    reader.take();

    writer.deliver(encodeSyncUpdate(clientEdit('hello').update));
    await new Promise((resolve) => setImmediate(resolve));
    expect(log.pendingAppends).toBe(1);
    expect(reader.frames).toHaveLength(0);
    // A joiner's step 2 must not reveal the uncommitted edit either.
    const joiner = connect();
    joiner.deliver(encodeSyncStep1(EMPTY_STATE_VECTOR));
    const joinerStep2 = joiner.messages().find((m) => m.type === 'sync-step-2');
    expect(joinerStep2?.type === 'sync-step-2' && textOf(joinerStep2.update)).toBe('');

    await log.commit();
    const [message] = reader.take();
    expect(message?.type).toBe('sync-update');
    expect(message?.type === 'sync-update' && textOf(message.update)).toBe('hello');
    // The sender gets its echo: the client's save indicator relies on it.
    expect(writer.take().map((m) => m.type)).toEqual(['sync-update']);
  });

  it('sends every socket the very same broadcast bytes', async () => {
    const sockets = [connect(), connect(), connect()];
    for (const s of sockets) s.frames.length = 0;
    sockets[0]!.deliver(encodeSyncUpdate(clientEdit('x').update));
    await log.commit();
    expect(sockets[1]!.frames[0]).toBe(sockets[0]!.frames[0]);
    expect(sockets[2]!.frames[0]).toBe(sockets[0]!.frames[0]);
  });

  it('sends the updates of one group commit as a single merged update', async () => {
    const [alice, bob, reader] = [connect(), connect(), connect()];
    for (const s of [alice, bob, reader]) s.take();
    alice.deliver(encodeSyncUpdate(clientEdit('Hello').update));
    bob.deliver(encodeSyncUpdate(clientEdit('World').update));
    await log.commit();
    const messages = reader.take();
    expect(messages.map((m) => m.type)).toEqual(['sync-update']);
    const text = messages[0]!.type === 'sync-update' ? textOf(messages[0]!.update) : '';
    expect(['HelloWorld', 'WorldHello']).toContain(text);
    expect(alice.take().map((m) => m.type)).toEqual(['sync-update']);
  });

  it('answers step 1 with the missing content and caches the full state until the next change', async () => {
    const writer = connect();
    writer.deliver(encodeSyncUpdate(clientEdit('stored text').update));
    await log.commit();

    const [a, b] = [connect(), connect()];
    for (const s of [a, b]) s.deliver(encodeSyncStep1(EMPTY_STATE_VECTOR));
    const step2 = (s: ConnectedSocket) => s.frames.find((f, i) => s.messages()[i]!.type === 'sync-step-2')!;
    expect(step2(a)).toBe(step2(b));
    const message = a.messages().find((m) => m.type === 'sync-step-2');
    expect(message?.type === 'sync-step-2' && textOf(message.update)).toBe('stored text');

    writer.deliver(encodeSyncUpdate(clientEdit(' more', new Y.Doc()).update));
    await log.commit();
    const c = connect();
    c.deliver(encodeSyncStep1(EMPTY_STATE_VECTOR));
    expect(step2(c)).not.toBe(step2(a));
  });

  it('answers a non-empty state vector with only what that client lacks', async () => {
    const writer = connect();
    const edit = clientEdit('abc');
    writer.deliver(encodeSyncUpdate(edit.update));
    await log.commit();
    writer.deliver(encodeSyncStep1(Y.encodeStateVector(edit.doc)));
    const reply = writer.messages().at(-1);
    expect(reply?.type).toBe('sync-step-2');
    if (reply?.type === 'sync-step-2') expect(Y.decodeUpdate(reply.update).structs).toHaveLength(0);
  });

  it('stores nothing for an empty step 2 (an up-to-date client reconnecting)', () => {
    connect().deliver(encodeSyncStep2(Y.encodeStateAsUpdate(new Y.Doc())));
    expect(log.pendingAppends).toBe(0);
  });

  it('closes only the offending socket when a frame or update is malformed, and keeps the document', async () => {
    const good = connect();
    good.deliver(encodeSyncUpdate(clientEdit('keep me').update));
    await log.commit();

    const cases: Uint8Array[] = [
      Uint8Array.of(0xff, 0xff),
      Uint8Array.of(0, 2, 50, 1),
      encodeSyncUpdate(Uint8Array.of(1, 1, 1, 1, 1, 1, 1)),
      encodeSyncStep1(Uint8Array.of(5, 1)),
      encodeAwareness(Uint8Array.of(1, 1, 1, 3, 0x7b)),
      Uint8Array.of(2, 0, 1, 0x41),
    ];
    for (const frame of cases) {
      const bad = connect();
      bad.deliver(frame);
      expect(bad.closed?.code, `frame ${Array.from(frame)}`).toBe(CloseCode.InvalidMessage);
    }
    await log.commit();
    expect(good.closed).toBeNull();
    good.deliver(encodeSyncStep1(EMPTY_STATE_VECTOR));
    const reply = good.messages().at(-1);
    expect(reply?.type === 'sync-step-2' && textOf(reply.update)).toBe('keep me');
  });

  it('closes the sender with a retryable code and broadcasts nothing when storing fails', async () => {
    const writer = connect();
    const reader = connect();
    reader.take();
    log.failNextAppends = 1;
    writer.deliver(encodeSyncUpdate(clientEdit('lost?').update));
    await log.commit();
    expect(writer.closed?.code).toBe(CloseCode.InternalError);
    expect(reader.frames).toHaveLength(0);
  });

  it('ignores frames from a connection that has left', async () => {
    const leaver = connect();
    const stayer = connect();
    stayer.take();
    leaver.connection.leave();
    leaver.deliver(encodeSyncUpdate(clientEdit('too late').update));
    expect(log.pendingAppends).toBe(0);
    expect(stayer.frames).toHaveLength(0);
  });

  it('relays awareness, answers query-awareness, and removes a leaver’s states', () => {
    const alice = connect();
    const bob = connect();
    alice.take();
    bob.take();

    const aliceAwareness = new Awareness(new Y.Doc());
    aliceAwareness.setLocalStateField('user', { name: 'Alice' });
    alice.deliver(encodeAwareness(encodeAwarenessUpdate(aliceAwareness, [aliceAwareness.clientID])));
    expect(bob.take().map((m) => m.type)).toEqual(['awareness']);

    bob.deliver(encodeQueryAwareness());
    const [answer] = bob.take();
    const seen = new Awareness(new Y.Doc());
    if (answer?.type === 'awareness') applyAwarenessUpdate(seen, answer.update, 'test');
    expect(seen.getStates().get(aliceAwareness.clientID)).toEqual({ user: { name: 'Alice' } });

    // A newcomer gets the present states at once.
    const carol = connect();
    expect(carol.messages().map((m) => m.type)).toEqual(['sync-step-1', 'awareness']);

    alice.connection.leave();
    const [removal] = bob.take();
    expect(removal?.type).toBe('awareness');
    if (removal?.type === 'awareness') applyAwarenessUpdate(seen, removal.update, 'test');
    expect(seen.getStates().has(aliceAwareness.clientID)).toBe(false);
    aliceAwareness.destroy();
    seen.destroy();
  });

  it('tells its observers, with each commit, the names of the people whose updates it held', async () => {
    const commits: string[][] = [];
    const observed = await openRoom(log, {
      name: 'observed',
      observers: [
        () => ({ loaded: () => {}, committed: (_doc, authors) => void commits.push([...authors].sort()) }),
      ],
    });
    const named = (socket: ConnectedSocket, user: unknown) => {
      const awareness = new Awareness(new Y.Doc());
      awareness.setLocalStateField('user', user);
      socket.deliver(encodeAwareness(encodeAwarenessUpdate(awareness, [awareness.clientID])));
      awareness.destroy();
    };
    const ada = new ConnectedSocket(observed);
    const grace = new ConnectedSocket(observed);
    const stock = new ConnectedSocket(observed); // no awareness at all
    const blank = new ConnectedSocket(observed);
    named(ada, { name: '  Ada  ', color: '#ff0000' });
    named(grace, { name: 'G'.repeat(500) });
    named(blank, { name: '   ' });
    for (const socket of [ada, grace, stock, blank]) socket.deliver(encodeSyncUpdate(clientEdit('x').update));
    await log.commit();
    expect(commits).toEqual([['Ada', 'G'.repeat(64)]]);
    stock.deliver(encodeSyncUpdate(clientEdit('y').update));
    await log.commit();
    expect(commits[1]).toEqual([]);
  });

  it('compacts its log into a snapshot that a fresh load reproduces', async () => {
    const compacting = await openRoom(log, { name: 'c', compactAfterUpdates: 3 });
    const socket = new ConnectedSocket(compacting);
    const doc = new Y.Doc();
    for (const word of ['one ', 'two ', 'three ', 'four']) {
      socket.deliver(encodeSyncUpdate(clientEdit(word, doc).update));
      await log.commit();
    }
    await compacting.flush();
    const stored = await log.load('c');
    expect(stored?.updates).toHaveLength(0);
    expect(stored?.lastSeq).toBe(4);
    expect(textOf(stored!.snapshot!)).toBe('one two three four');
  });

  describe('a document stored as one snapshot', () => {
    async function storedSnapshot(text: string) {
      const doc = new Y.Doc();
      doc.getText('text').insert(0, text);
      const appended = log.append('snap', Y.encodeStateAsUpdate(doc));
      await log.commit();
      await log.compact('snap', Y.encodeStateAsUpdate(doc), Y.encodeStateVector(doc), await appended);
      return openRoom(log, { name: 'snap' });
    }

    it('answers a fresh client with exactly the stored snapshot', async () => {
      const socket = new ConnectedSocket(await storedSnapshot('from the snapshot'));
      socket.deliver(encodeSyncStep1(EMPTY_STATE_VECTOR));
      const snapshot = (await log.load('snap'))!.snapshot!;
      expect(socket.frames.at(-1)).toEqual(encodeSyncStep2(snapshot));
    });

    it('accepts updates and answers state vectors before the deferred decode has run', async () => {
      const snapRoom = await storedSnapshot('base');
      const writer = new ConnectedSocket(snapRoom);
      const mine = new Y.Doc();
      Y.applyUpdate(mine, (await log.load('snap'))!.snapshot!);
      mine.getText('text').insert(4, ' and more');
      writer.deliver(encodeSyncUpdate(Y.encodeStateAsUpdate(mine)));
      writer.deliver(encodeSyncStep1(Y.encodeStateVector(new Y.Doc())));
      await log.commit();
      const joiner = new ConnectedSocket(snapRoom);
      joiner.deliver(encodeSyncStep1(EMPTY_STATE_VECTOR));
      const reply = joiner.messages().at(-1);
      expect(reply?.type === 'sync-step-2' && textOf(reply.update)).toBe('base and more');
      await snapRoom.flush();
      const stored = await log.load('snap');
      expect(textOf(stored!.snapshot!)).toBe('base and more');
      expect(stored!.snapshotStateVector).toEqual(Y.encodeStateVector(mine));
    });
  });
});
