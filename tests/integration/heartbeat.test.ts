import { afterEach, describe, expect, it } from 'vitest';
import { decodeMessage, KEEPALIVE_FRAME } from '../../shared/protocol.ts';
import { connectClient, type TestClient } from '../helpers/clients.ts';
import { openRawSocket } from '../helpers/rawSocket.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait.ts';

// A short interval so these tests take a second, not a minute; the logic is the same.
const HEARTBEAT_INTERVAL_MS = 150;

let server: TestServer;
let clients: TestClient[] = [];

afterEach(async () => {
  for (const c of clients) c.destroy();
  clients = [];
  await server.close();
});

describe('heartbeat', () => {
  it('sends a quiet client a keepalive its JavaScript can see, so it never times out', async () => {
    server = await startTestServer({ heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS });
    const raw = openRawSocket(`${server.syncUrl}/quiet`);
    await raw.opened;
    await waitFor(() => raw.frames.some((f) => Buffer.from(f).equals(KEEPALIVE_FRAME)), 'a keepalive frame');
    // It is a valid awareness message announcing no one.
    expect(decodeMessage(KEEPALIVE_FRAME)).toEqual({ type: 'awareness', update: Uint8Array.of(0) });
    raw.ws.close();
  });

  it('drops a peer that stops answering pings and removes its presence', async () => {
    server = await startTestServer({ heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS });
    const watcher = connectClient(server.syncUrl, 'room');
    clients.push(watcher);
    await watcher.firstSync;

    // A client whose network died: it announced itself, then never answers a ping again.
    const ghost = openRawSocket(`${server.syncUrl}/room`, { autoPong: false });
    await ghost.opened;
    const ghostPresence = connectClient(server.syncUrl, 'unused', { connect: false });
    clients.push(ghostPresence);
    ghostPresence.provider.awareness.setLocalStateField('user', { name: 'Ghost' });
    const { encodeAwarenessUpdate } = await import('y-protocols/awareness');
    const { encodeAwareness } = await import('../../shared/protocol.ts');
    const ghostId = ghostPresence.doc.clientID;
    ghost.ws.send(encodeAwareness(encodeAwarenessUpdate(ghostPresence.provider.awareness, [ghostId])));
    await waitFor(() => watcher.provider.awareness.getStates().has(ghostId), 'the ghost to appear');

    const { code } = await ghost.closed;
    expect(code).toBe(1006); // terminated, no close handshake
    await waitFor(() => !watcher.provider.awareness.getStates().has(ghostId), 'the ghost to disappear');
    expect(watcher.provider.wsconnected).toBe(true);
  });
});
