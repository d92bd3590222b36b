import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  encodeAwareness,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeSyncUpdate,
} from '../../../shared/protocol.ts';
import {
  clientEdit,
  ConnectedSocket,
  gatedStorage,
  openRoom,
  READER,
  textOf,
} from '../../helpers/roomFakes.ts';

async function roomWithReader() {
  const log = gatedStorage().log;
  const room = await openRoom(log);
  const writer = new ConnectedSocket(room);
  const reader = new ConnectedSocket(room, READER);
  writer.take();
  reader.take();
  return { log, room, writer, reader };
}

describe('a read-only connection', () => {
  it('has its updates dropped: never stored, applied or broadcast; it is told once and stays open', async () => {
    const { log, writer, reader } = await roomWithReader();
    reader.deliver(encodeSyncUpdate(clientEdit('vandalism').update));
    reader.deliver(encodeSyncStep2(clientEdit('more vandalism').update));
    expect(log.pendingAppends).toBe(0);
    await log.commit();
    expect(reader.take()).toEqual([
      { type: 'auth-denied', reason: 'read-only: this session cannot change the document' },
    ]);
    expect(reader.closed).toBeNull();
    expect(writer.frames).toHaveLength(0);
    writer.deliver(encodeSyncStep1(Uint8Array.of(0)));
    const reply = writer.messages().at(-1);
    expect(reply?.type === 'sync-step-2' && textOf(reply.update)).toBe('');
  });

  it('still syncs: it is answered with the content and receives every writer’s update', async () => {
    const { log, writer, reader } = await roomWithReader();
    writer.deliver(encodeSyncUpdate(clientEdit('for everyone').update));
    await log.commit();
    const [update] = reader.take();
    expect(update?.type === 'sync-update' && textOf(update.update)).toBe('for everyone');
    reader.deliver(encodeSyncStep1(Y.encodeStateVector(new Y.Doc())));
    const [step2] = reader.take();
    expect(step2?.type === 'sync-step-2' && textOf(step2.update)).toBe('for everyone');
  });

  it('shows presence: its awareness is relayed and it sees everyone else’s', async () => {
    const { writer, reader } = await roomWithReader();
    const announce = (name: string) => {
      const awareness = new Awareness(new Y.Doc());
      awareness.setLocalStateField('user', { name });
      return encodeAwareness(encodeAwarenessUpdate(awareness, [awareness.clientID]));
    };
    reader.deliver(announce('Reader'));
    expect(writer.take().map((m) => m.type)).toEqual(['awareness']);
    writer.deliver(announce('Writer'));
    expect(reader.take().map((m) => m.type)).toEqual(['awareness', 'awareness']);
  });
});
