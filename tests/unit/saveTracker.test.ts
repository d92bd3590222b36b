import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SaveTracker } from '../../client/collab/SaveTracker.ts';

/** A client doc and a "server" doc, with the updates each transaction produces. */
function setup() {
  const client = new Y.Doc();
  const server = new Y.Doc();
  const tracker = new SaveTracker();
  const pending: Uint8Array[] = [];
  client.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin === 'server') return;
    tracker.noteLocalUpdate(update);
    pending.push(update);
  });
  /** The server receives what was pending, applies it, and echoes what changed. */
  const deliver = () => {
    const echoes: Uint8Array[] = [];
    const onUpdate = (u: Uint8Array) => echoes.push(u);
    server.on('update', onUpdate);
    for (const u of pending.splice(0)) Y.applyUpdate(server, u);
    server.off('update', onUpdate);
    return echoes;
  };
  return { client, server, tracker, deliver };
}

describe('SaveTracker', () => {
  it('is saved only after the server echoes the insertion', () => {
    const { client, tracker, deliver } = setup();
    expect(tracker.hasUnsavedChanges).toBe(false);
    client.getText('t').insert(0, 'hello');
    expect(tracker.hasUnsavedChanges).toBe(true);
    for (const echo of deliver()) tracker.noteServerUpdate(echo);
    expect(tracker.hasUnsavedChanges).toBe(false);
  });

  it('tracks a deletion, which adds no clock, until the server has it', () => {
    const { client, tracker, deliver } = setup();
    client.getText('t').insert(0, 'hello');
    for (const echo of deliver()) tracker.noteServerUpdate(echo);
    client.getText('t').delete(1, 3);
    expect(tracker.hasUnsavedChanges).toBe(true);
    for (const echo of deliver()) tracker.noteServerUpdate(echo);
    expect(tracker.hasUnsavedChanges).toBe(false);
  });

  it('accepts the server step 1 as proof of insertions it already had (no echo after a reconnect)', () => {
    const { client, server, tracker, deliver } = setup();
    client.getText('t').insert(0, 'typed just before the connection dropped');
    deliver(); // stored, but the echo was lost with the connection
    expect(tracker.hasUnsavedChanges).toBe(true);
    tracker.noteServerStateVector(Y.encodeStateVector(server));
    expect(tracker.hasUnsavedChanges).toBe(false);
  });

  it('accepts the server step 2 delete set for deletions it already had', () => {
    const { client, server, tracker, deliver } = setup();
    client.getText('t').insert(0, 'abcdef');
    for (const echo of deliver()) tracker.noteServerUpdate(echo);
    client.getText('t').delete(0, 2);
    deliver(); // echo lost
    tracker.noteServerUpdate(Y.encodeStateAsUpdate(server, Y.encodeStateVector(client)));
    expect(tracker.hasUnsavedChanges).toBe(false);
  });

  it('stays unsaved when the server only confirms part of the work', () => {
    const { client, tracker, deliver } = setup();
    client.getText('t').insert(0, 'first');
    const echoes = deliver();
    client.getText('t').insert(5, ' second');
    for (const echo of echoes) tracker.noteServerUpdate(echo);
    expect(tracker.hasUnsavedChanges).toBe(true);
  });

  it('treats changes restored from the local copy as unsaved until the server shows it has them', () => {
    const offline = new Y.Doc();
    offline.getText('t').insert(0, 'written offline');
    const tracker = new SaveTracker();
    tracker.noteLocalUpdate(Y.encodeStateAsUpdate(offline));
    expect(tracker.hasUnsavedChanges).toBe(true);
    tracker.noteServerStateVector(Y.encodeStateVector(new Y.Doc()));
    expect(tracker.hasUnsavedChanges).toBe(true);
    tracker.noteServerStateVector(Y.encodeStateVector(offline));
    expect(tracker.hasUnsavedChanges).toBe(false);
  });
});
