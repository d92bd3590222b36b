import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { TITLE_TEXT } from '../../../shared/documentModel.ts';
import { encodeSyncUpdate } from '../../../shared/protocol.ts';
import { silentLogger } from '../../../server/logger.ts';
import { mirrorTitles } from '../../../server/rooms/TitleMirror.ts';
import { createMemoryStorage } from '../../../server/storage/memory/createMemoryStorage.ts';
import { ConnectedSocket, gatedStorage, openRoom } from '../../helpers/roomFakes.ts';
import { TestBusHub } from '../../helpers/TestBus.ts';
import { waitFor } from '../../helpers/wait.ts';

type TestStorage = ReturnType<typeof gatedStorage>;

/**
 * A room over memory storage whose title mirror records every title it writes; `holdWrites`
 * keeps each write waiting until the test releases it.
 */
async function mirroredRoom(
  prepare?: (storage: TestStorage) => Promise<void>,
  { holdWrites = false }: { holdWrites?: boolean } = {},
) {
  const storage = gatedStorage();
  await prepare?.(storage);
  const written: (string | null)[] = [];
  const held: (() => void)[] = [];
  const catalogue = {
    info: (name: string) => storage.catalogue.info(name),
    setTitle: async (name: string, title: string | null) => {
      written.push(title);
      if (holdWrites) await new Promise<void>((resolve) => held.push(resolve));
      await storage.catalogue.setTitle(name, title);
    },
  };
  const room = await openRoom(storage.log, { observers: [mirrorTitles(catalogue, silentLogger())] });
  const releaseWrites = () => held.splice(0).forEach((release) => release());
  return { storage, room, written, releaseWrites, writer: new ConnectedSocket(room) };
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
async function type(writer: ConnectedSocket, update: Uint8Array, storage: TestStorage) {
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
    const { written, writer, storage } = await mirroredRoom(async ({ log, catalogue }) => {
      const seq = log.append('doc', retitle(doc, 'Stored title'));
      await log.commit();
      await log.compact('doc', Y.encodeStateAsUpdate(doc), Y.encodeStateVector(doc), await seq);
      await catalogue.setTitle('doc', 'Stored title');
    });
    doc.getText('body').insert(0, 'edit');
    await type(writer, Y.encodeStateAsUpdate(doc), storage);
    expect(written).toEqual([]);
  });

  it('corrects a listing left stale when the document loads', async () => {
    const { storage, written } = await mirroredRoom(async ({ log, catalogue }) => {
      const seq = log.append('doc', retitle(new Y.Doc(), 'Itinerary'));
      await log.commit();
      await seq;
      // Another instance's write crossed this one's, or failed.
      await catalogue.setTitle('doc', 'Itin');
    });
    await waitFor(() => written.length === 1, 'the correction');
    expect(written).toEqual(['Itinerary']);
    expect((await storage.catalogue.info('doc'))?.title).toBe('Itinerary');
  });

  it('writes one title at a time, the newest last, skipping those overtaken while waiting', async () => {
    const { storage, written, writer, releaseWrites } = await mirroredRoom(undefined, { holdWrites: true });
    const doc = new Y.Doc();
    for (const title of ['T', 'Tr', 'Tri', 'Trip']) await type(writer, retitle(doc, title), storage);
    expect(written).toEqual(['T']);
    releaseWrites();
    await waitFor(() => written.length === 2, 'the newest title to be written');
    releaseWrites();
    await waitFor(
      async () => (await storage.catalogue.info('doc'))?.title === 'Trip',
      'the newest title listed',
    );
    expect(written).toEqual(['T', 'Trip']);
  });

  it('writes a title changed on another instance and changed back here', async () => {
    const storage = createMemoryStorage();
    const hub = new TestBusHub();
    const written: (string | null)[] = [];
    const catalogue = {
      info: (name: string) => storage.catalogue.info(name),
      setTitle: async (name: string, title: string | null) => {
        written.push(title);
        await storage.catalogue.setTitle(name, title);
      },
    };
    const here = await openRoom(storage.log, {
      bus: hub.bus('here'),
      observers: [mirrorTitles(catalogue, silentLogger())],
    });
    const there = await openRoom(storage.log, { bus: hub.bus('there') });
    hub.deliver();
    const writerHere = new ConnectedSocket(here);
    const writerThere = new ConnectedSocket(there);
    const doc = new Y.Doc();
    const commitOn = async (writer: ConnectedSocket, update: Uint8Array) => {
      writer.deliver(encodeSyncUpdate(update));
      await waitFor(() => hub.pending > 0, 'the commit to be published');
      hub.deliver();
    };

    await commitOn(writerHere, retitle(doc, 'Plan'));
    // The other instance lists its own change itself.
    await commitOn(writerThere, retitle(doc, 'Plan v2'));
    await storage.catalogue.setTitle('doc', 'Plan v2');
    await commitOn(writerHere, retitle(doc, 'Plan'));
    await waitFor(() => written.length === 2, 'the title changed back');
    expect(written).toEqual(['Plan', 'Plan']);
    expect((await storage.catalogue.info('doc'))?.title).toBe('Plan');
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
