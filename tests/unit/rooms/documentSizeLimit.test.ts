import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CloseCode } from '../../../shared/closeCodes.ts';
import { encodeSyncStep1, encodeSyncUpdate } from '../../../shared/protocol.ts';
import { clientEdit, ConnectedSocket, gatedStorage, openRoom, textOf } from '../../helpers/roomFakes.ts';

/** An edit whose update is `text` plus a few bytes of Yjs framing. */
const edit = (text: string) => clientEdit(text).update;

describe('the document size limit', () => {
  it('refuses an update that would pass it with 4413, storing and broadcasting nothing', async () => {
    const log = gatedStorage().log;
    const room = await openRoom(log, { maxDocumentBytes: 100 });
    const [writer, other] = [new ConnectedSocket(room), new ConnectedSocket(room)];
    writer.deliver(encodeSyncUpdate(edit('fits')));
    await log.commit();
    other.take();

    writer.deliver(encodeSyncUpdate(edit('x'.repeat(100))));
    expect(writer.closed?.code).toBe(CloseCode.MessageTooBig);
    expect(writer.closed?.reason).toBe('document would exceed 100 bytes');
    expect(log.pendingAppends).toBe(0);
    await log.commit();
    expect(other.frames).toHaveLength(0);
    expect(other.closed).toBeNull();
    other.deliver(encodeSyncStep1(Uint8Array.of(0)));
    const reply = other.messages().at(-1);
    expect(reply?.type === 'sync-step-2' && textOf(reply.update)).toBe('fits');
  });

  it('counts updates accepted but not yet committed, so one group commit cannot overshoot it', async () => {
    const log = gatedStorage().log;
    const first = edit('a'.repeat(40));
    // Random client ids encode in 1 to 5 bytes, so the two updates' sizes differ by run: the
    // limit is one byte short of both together, whatever they are.
    const second = edit('b'.repeat(40));
    const room = await openRoom(log, { maxDocumentBytes: first.byteLength + second.byteLength - 1 });
    const [alice, bob] = [new ConnectedSocket(room), new ConnectedSocket(room)];
    alice.deliver(encodeSyncUpdate(first));
    bob.deliver(encodeSyncUpdate(second));
    expect(log.pendingAppends).toBe(1);
    expect(bob.closed?.code).toBe(CloseCode.MessageTooBig);
    await log.commit();
    expect(alice.closed).toBeNull();
  });

  it('counts what is already stored when the document loads', async () => {
    const log = gatedStorage().log;
    const stored = edit('s'.repeat(60));
    const appended = log.append('doc', stored);
    await log.commit();
    await appended;
    const fits = edit('ok');
    const room = await openRoom(log, { maxDocumentBytes: stored.byteLength + fits.byteLength });
    const writer = new ConnectedSocket(room);
    writer.deliver(encodeSyncUpdate(fits));
    expect(writer.closed).toBeNull();
    writer.deliver(encodeSyncUpdate(edit('!')));
    expect(writer.closed?.code).toBe(CloseCode.MessageTooBig);
  });

  it('frees what a failed append had reserved', async () => {
    const log = gatedStorage().log;
    const update = edit('r'.repeat(50));
    const room = await openRoom(log, { maxDocumentBytes: update.byteLength + 5 });
    log.failNextAppends = 1;
    const unlucky = new ConnectedSocket(room);
    unlucky.deliver(encodeSyncUpdate(update));
    await log.commit();
    expect(unlucky.closed?.code).toBe(CloseCode.InternalError);
    const retry = new ConnectedSocket(room);
    const doc = new Y.Doc();
    retry.deliver(encodeSyncUpdate(clientEdit('r'.repeat(50), doc).update));
    await log.commit();
    expect(retry.closed).toBeNull();
    expect((await log.load('doc'))?.updates).toHaveLength(1);
  });
});
