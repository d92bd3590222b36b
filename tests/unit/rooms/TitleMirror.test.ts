import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { TITLE_TEXT } from '../../../shared/documentModel.ts';
import { encodeSyncUpdate } from '../../../shared/protocol.ts';
import { silentLogger } from '../../../server/logger.ts';
import { mirrorTitles } from '../../../server/rooms/TitleMirror.ts';
import { ConnectedSocket, gatedStorage, openRoom } from '../../helpers/roomFakes.ts';

/** A room over memory storage whose title mirror records every title it writes. */
async function mirroredRoom(prepare?: (log: ReturnType<typeof gatedStorage>['log']) => Promise<void>) {
  const storage = gatedStorage();
  await prepare?.(storage.log);
  const written: (string | null)[] = [];
  const catalogue = {
    setTitle: async (name: string, title: string | null) => {
      written.push(title);
      await storage.catalogue.setTitle(name, title);
    },
  };
  const room = await openRoom(storage.log, { observers: [mirrorTitles(catalogue, silentLogger())] });
  return { storage, room, written, writer: new ConnectedSocket(room) };
}

/** Replaces the title in `doc` and returns the update that made. */
function retitle(doc: Y.Doc, title: string): Uint8Array {
  const before = Y.encodeStateVector(doc);
  const text = doc.getText(TITLE_TEXT);
  doc.transact(() => {
    text.delete(0, text.length);
    text.insert(0, title);
  });
  return Y.encodeStateAsUpdate(doc, before);
}

/** A writer's update, delivered and committed. */
async function type(writer: ConnectedSocket, update: Uint8Array, storage: ReturnType<typeof gatedStorage>) {
  writer.deliver(encodeSyncUpdate(update));
  await storage.log.commit();
}

describe('the title mirror', () => {
  it('records the editor title in the catalogue once it is committed, and only when it changes', async () => {
    const { storage, written, writer } = await mirroredRoom();
    const doc = new Y.Doc();
    await type(writer, retitle(doc, 'Road trip'), storage);
    expect((await storage.catalogue.info('doc'))?.title).toBe('Road trip');
    doc.getText('body').insert(0, 'the body changes, the title does not');
    await type(writer, Y.encodeStateAsUpdate(doc), storage);
    await type(writer, retitle(doc, '  Final plan  '), storage);
    expect(written).toEqual(['Road trip', 'Final plan']);
    expect((await storage.catalogue.info('doc'))?.title).toBe('Final plan');
  });

  it('does not write back the title a stored document loads with, even from a deferred snapshot', async () => {
    const doc = new Y.Doc();
    const { written, writer, storage } = await mirroredRoom(async (log) => {
      const seq = log.append('doc', retitle(doc, 'Stored title'));
      await log.commit();
      await log.compact('doc', Y.encodeStateAsUpdate(doc), Y.encodeStateVector(doc), await seq);
    });
    doc.getText('body').insert(0, 'edit');
    await type(writer, Y.encodeStateAsUpdate(doc), storage);
    expect(written).toEqual([]);
  });

  it('records nothing for a document of another app, which has no title', async () => {
    const { written, writer, storage } = await mirroredRoom();
    const doc = new Y.Doc();
    doc.getMap('app').set('key', 'value');
    await type(writer, Y.encodeStateAsUpdate(doc), storage);
    expect(written).toEqual([]);
  });

  it('is not part of a room: a room without it leaves the catalogue alone', async () => {
    const storage = gatedStorage();
    const room = await openRoom(storage.log);
    await type(new ConnectedSocket(room), retitle(new Y.Doc(), 'Ignored'), storage);
    expect((await storage.catalogue.info('doc'))?.title).toBeNull();
  });
});
