import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { encodeSyncUpdate } from '../../../shared/protocol.ts';
import type { Room } from '../../../server/rooms/Room.ts';
import { createMemoryStorage } from '../../../server/storage/memory/createMemoryStorage.ts';
import type { DocLog } from '../../../server/storage/DocLog.ts';
import { clientEdit, ConnectedSocket, openRoom, textOf } from '../../helpers/roomFakes.ts';
import { TestBusHub } from '../../helpers/TestBus.ts';
import { waitFor } from '../../helpers/wait.ts';

/** Two instances sharing one log (as they share PostgreSQL), connected by a test bus. */
async function twoInstances(overrides: { compactAfterUpdates?: number; gapRepairDelayMs?: number } = {}) {
  const storage = createMemoryStorage();
  const hub = new TestBusHub();
  const repairs: number[] = [];
  const metrics = { gapRepaired: (entries: number) => repairs.push(entries) };
  const open = (id: string) =>
    openRoom(storage.log, {
      bus: hub.bus(id),
      gapRepairDelayMs: 5,
      metrics: { ...noMetrics(), ...metrics },
      ...overrides,
    });
  const a = await open('a');
  const b = await open('b');
  hub.deliver(); // the awareness queries of joining
  return { log: storage.log, hub, a, b, repairs };
}

function noMetrics() {
  const nothing = () => {};
  return {
    received: nothing,
    sent: nothing,
    broadcast: nothing,
    updateBroadcast: nothing,
    compaction: nothing,
    gapRepaired: nothing,
    storageFailed: nothing,
  };
}

/** A client on `room` typing `text` at the end of its copy, once the room committed it. */
async function type(room: Room, client: { doc: Y.Doc }, text: string): Promise<void> {
  const socket = new ConnectedSocket(room);
  socket.deliver(encodeSyncUpdate(clientEdit(text, client.doc).update));
  await waitFor(() => socket.messages().some((m) => m.type === 'sync-update'), 'the commit echo');
  room.disconnect(socket.connection);
}

/** The text a fresh joiner of `room` receives. */
function textIn(room: Room): string {
  const socket = new ConnectedSocket(room);
  socket.deliver(new Uint8Array([0, 0, 1, 0])); // step 1 with an empty state vector
  const step2 = socket.messages().find((m) => m.type === 'sync-step-2');
  room.disconnect(socket.connection);
  return step2?.type === 'sync-step-2' ? textOf(step2.update) : '';
}

const storedText = async (log: DocLog) => {
  const stored = await log.load('doc');
  const doc = new Y.Doc();
  if (stored?.snapshot) Y.applyUpdate(doc, stored.snapshot);
  for (const update of stored?.updates ?? []) Y.applyUpdate(doc, update);
  return doc.getText('text').toString();
};

describe('entries from other instances', () => {
  it('reach the sockets of the other instance in one frame per commit batch, tagged so they are not stored again', async () => {
    const { a, b, hub, log } = await twoInstances();
    const reader = new ConnectedSocket(b);
    reader.take();
    await type(a, { doc: new Y.Doc() }, 'hello');
    expect(hub.pending).toBe(1);
    hub.deliver();
    const frames = reader.take();
    expect(frames.map((m) => m.type)).toEqual(['sync-update']);
    expect(frames[0]?.type === 'sync-update' && textOf(frames[0].update)).toBe('hello');
    expect(b.appliedThrough).toBe(1);
    // B stored nothing: the log holds A's one entry.
    expect((await log.load('doc'))?.updates).toHaveLength(1);
    expect(hub.pending).toBe(0);
  });

  it('track the contiguous prefix across their own commits and the other instance’s', async () => {
    // No repair from the log here: the messages alone must close the gap.
    const { a, b, hub, repairs } = await twoInstances({ gapRepairDelayMs: 60_000 });
    const writer = { doc: new Y.Doc() };
    await type(a, writer, 'a'); // 1, by A
    await type(b, { doc: new Y.Doc() }, 'b'); // 2, by B, before A's 1 reached it
    expect(b.appliedThrough).toBe(0); // B holds 2 but not 1: it may compact nothing yet
    hub.deliver();
    expect(b.appliedThrough).toBe(2);
    expect(a.appliedThrough).toBe(2);
    await type(a, writer, 'c'); // 3
    hub.deliver();
    expect([a.appliedThrough, b.appliedThrough]).toEqual([3, 3]);
    expect(textIn(a)).toBe(textIn(b));
    expect(repairs).toEqual([]);
  });

  it('fill a gap from the log when a message is lost and a later one arrives', async () => {
    const { a, b, hub, repairs } = await twoInstances();
    const writer = { doc: new Y.Doc() };
    await type(a, writer, 'one ');
    hub.deliver(() => true); // lost
    await type(a, writer, 'two');
    hub.deliver(); // 2 arrives past the gap: applied at once, 1 read back shortly after
    expect(b.appliedThrough).toBe(0);
    await waitFor(() => b.appliedThrough === 2, 'B to repair the gap');
    expect(textIn(b)).toBe('one two');
    expect(repairs).toEqual([1]);
  });

  it('find a lost last message through the periodic check of the log’s newest number', async () => {
    const { a, b, hub, log, repairs } = await twoInstances();
    await type(a, { doc: new Y.Doc() }, 'last words');
    hub.deliver(() => true); // lost, and nothing follows it
    const check = async () => b.checkLatest((await log.lastSeqs(['doc'])).get('doc')!);
    await check(); // the first check only learns the number: a message may still be on its way
    expect(b.appliedThrough).toBe(0);
    await check(); // still missing a period later: read from the log
    await waitFor(() => b.appliedThrough === 1, 'B to read the lost entry');
    expect(textIn(b)).toBe('last words');
    expect(repairs).toEqual([1]);
  });

  it('lose nothing when one instance compacts while the other appends, even past a lost message', async () => {
    const { a, b, hub, log } = await twoInstances({ compactAfterUpdates: 3 });
    const onA = { doc: new Y.Doc() };
    const onB = { doc: new Y.Doc() };
    for (let i = 0; i < 4; i++) {
      await type(a, onA, `a${i}`);
      await type(b, onB, `b${i}`);
      // Every other round's messages are lost: each side holds the other's entries only in part.
      hub.deliver(() => i % 2 === 0);
    }
    await a.flush();
    await b.flush();
    await Promise.all([a.catchUp(), b.catchUp()]);
    const text = textIn(a);
    expect(textIn(b)).toBe(text);
    expect(text.replace(/b\d/g, '')).toBe('a0a1a2a3');
    expect(text.replace(/a\d/g, '')).toBe('b0b1b2b3');
    // Compactions on both sides kept every entry: the stored document has all of it.
    await a.flush();
    await b.flush();
    expect(await storedText(log)).toBe(text);
  });

  it('apply messages that arrive while the room loads, skipping what the load read', async () => {
    const storage = createMemoryStorage();
    const hub = new TestBusHub();
    const a = await openRoom(storage.log, { bus: hub.bus('a') });
    const bBus = hub.bus('b');
    await type(a, { doc: new Y.Doc() }, 'before');
    // B subscribes, then loads (reading entry 1), while A's message for 1 is still queued.
    const loading = openRoom(storage.log, { bus: bBus });
    hub.deliver();
    const b = await loading;
    hub.deliver();
    expect(b.appliedThrough).toBe(1);
    expect(textIn(b)).toBe('before');
  });
});
