import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { CloseCode } from '../../shared/closeCodes.ts';
import { encodeAwareness, encodeSyncUpdate } from '../../shared/protocol.ts';
import { connectClient, waitForConvergence, type TestClient } from '../helpers/clients.ts';
import { scrapeSample } from '../helpers/prometheusText.ts';
import { openRawSocket, type RawSocket } from '../helpers/rawSocket.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait.ts';

let server: TestServer;
let clients: TestClient[] = [];
let raws: RawSocket[] = [];

afterEach(async () => {
  for (const c of clients) c.destroy();
  for (const r of raws) r.ws.terminate();
  clients = [];
  raws = [];
  await server.close();
});

function client(room: string) {
  const c = connectClient(server.syncUrl, room);
  clients.push(c);
  return c;
}

function raw(room: string) {
  const r = openRawSocket(`${server.syncUrl}/${room}`);
  raws.push(r);
  return r;
}

describe('limits', () => {
  it('a connection that sends too many messages is closed with 4529; others carry on', async () => {
    server = await startTestServer({ maxMessagesPerSecond: 5, maxMessageBurst: 10 });
    const honest = client('room');
    await honest.firstSync;
    const flooder = raw('room');
    await flooder.opened;
    for (let i = 0; i < 50; i++) flooder.ws.send(encodeAwareness(Uint8Array.of(0)));
    expect((await flooder.closed).code).toBe(CloseCode.RateLimited);
    // The operator sees it: one rate-limited close, counted under its close code too.
    expect(await scrapeSample(server.url, 'inkwell_rate_limited_closes_total')).toBe(1);
    expect(
      await scrapeSample(server.url, 'inkwell_server_closes_total', { code: String(CloseCode.RateLimited) }),
    ).toBe(1);
    honest.doc.getText('text').insert(0, 'unaffected');
    const other = client('room');
    await waitForConvergence([honest, other]);
  });

  it('refuses connections past the per-address limit with 4529, and past the total with 1013', async () => {
    server = await startTestServer({ maxConnectionsPerIp: 2, maxConnections: 1000 });
    const [a, b] = [raw('x'), raw('x')];
    await Promise.all([a.opened, b.opened]);
    expect((await raw('x').closed).code).toBe(CloseCode.RateLimited);
    a.ws.close();
    await a.closed;
    await waitFor(() => server.registry.connectionCount === 1, 'the closed socket to be released');
    const again = raw('x');
    await again.opened;
    await waitFor(() => again.frames.length > 0, 'a freed slot to be usable');
    await server.close();

    server = await startTestServer({ maxConnections: 2 });
    const [c, d] = [raw('y'), raw('y')];
    await Promise.all([c.opened, d.opened]);
    expect((await raw('y').closed).code).toBe(CloseCode.TryAgainLater);
  });

  it('refuses to open more documents than allowed with 1013, while open ones keep working', async () => {
    server = await startTestServer({ maxLoadedDocuments: 2 });
    const one = client('one');
    const two = client('two');
    await Promise.all([one.firstSync, two.firstSync]);
    expect((await raw('three').closed).code).toBe(CloseCode.TryAgainLater);
    const oneAgain = client('one');
    await oneAgain.firstSync;
    expect(server.registry.loadedCount).toBe(2);
  });

  it('refuses an update that would make a document too large, and keeps the document intact', async () => {
    server = await startTestServer({ maxDocumentBytes: 4096 });
    const writer = client('bounded');
    const observer = client('bounded');
    await Promise.all([writer.firstSync, observer.firstSync]);
    writer.doc.getText('text').insert(0, 'Small and fine.');
    await waitForConvergence([writer, observer]);

    const big = new Y.Doc();
    big.getText('text').insert(0, 'x'.repeat(10_000));
    const attacker = raw('bounded');
    await attacker.opened;
    attacker.ws.send(encodeSyncUpdate(Y.encodeStateAsUpdate(big)));
    const { code, reason } = await attacker.closed;
    expect(code).toBe(CloseCode.MessageTooBig);
    expect(reason).toMatch(/document would exceed/);

    writer.doc.getText('text').insert(writer.text().length, ' Still fine.');
    await waitForConvergence([writer, observer]);
    const fresh = client('bounded');
    await fresh.firstSync;
    expect(fresh.text()).toBe('Small and fine. Still fine.');
  });

  it('closes a reader that stops reading with 1013 instead of buffering for ever; it resyncs later', async () => {
    server = await startTestServer({
      maxBufferedBytes: 256 * 1024,
      maxMessagesPerSecond: 10_000,
      maxMessageBurst: 10_000,
      // Should the writer be closed as slow too (see below), its resync carries everything
      // unconfirmed, some 20 MB: above the default frame limit, which would end it for good.
      maxMessageBytes: 64 * 1024 * 1024,
    });
    const writer = client('firehose');
    await writer.firstSync;
    const slow = new WebSocket(`${server.syncUrl}/firehose`);
    const slowClosed = new Promise<number>((resolve) => slow.on('close', (code) => resolve(code)));
    await new Promise((resolve) => slow.once('open', resolve));
    // Stop reading. Loopback kernel buffers take several MiB; past them the server's send
    // buffer grows until it passes the bound and the server closes the socket. The close
    // frame waits behind the unread data, so the client sees it once it reads again.
    const socket = (slow as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause();
    const chunk = 'y'.repeat(32 * 1024);
    for (let i = 0; i < 640; i++) {
      writer.doc.getText('text').insert(0, chunk);
      if (i % 32 === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await waitFor(
      () => writer.provider.synced && server.registry.connectionCount === 2,
      'the writes to be sent',
    );
    socket.resume();
    const code = await slowClosed;
    expect(code).toBe(CloseCode.TryAgainLater);
    // At least the stalled reader (the writer may have been closed as slow too, see below).
    expect(await scrapeSample(server.url, 'inkwell_slow_reader_closes_total')).toBeGreaterThanOrEqual(1);
    // The writer gets its own updates echoed; on a loaded machine this test's busy event loop
    // can read them too slowly and be closed as a slow reader as well. Either way it must be
    // back, and nothing it wrote may be lost.
    await waitFor(() => writer.provider.wsconnected && writer.provider.synced, 'the writer to be connected');
    // The writer's last changes may still be on their way to the server when this client
    // joins: its first sync holds what the server has, and the rest follows as updates.
    const later = client('firehose');
    await later.firstSync;
    await waitForConvergence([writer, later], 60_000);
    expect(later.text().length).toBe(writer.text().length);
  });
});
