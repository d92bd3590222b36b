import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { connectClient, waitForConvergence, type TestClient } from '../helpers/clients.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { sameStorage, STORAGE_BACKENDS } from '../helpers/storageBackends.ts';
import { waitFor } from '../helpers/wait.ts';

let servers: TestServer[] = [];
let clients: TestClient[] = [];

function client(s: TestServer, room: string, options?: Parameters<typeof connectClient>[2]) {
  const c = connectClient(s.syncUrl, room, options);
  clients.push(c);
  return c;
}

afterEach(async () => {
  for (const c of clients) c.destroy();
  clients = [];
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

describe.each(STORAGE_BACKENDS)('syncing with stock y-websocket clients on $name', (backend) => {
  async function server(overrides: Parameters<typeof startTestServer>[0] = {}) {
    const s = await startTestServer({ ...(await backend.freshConfig()), ...overrides });
    servers.push(s);
    return s;
  }

  it('concurrent edits from three clients converge', async () => {
    const s = await server();
    const trio = [client(s, 'shared'), client(s, 'shared'), client(s, 'shared')];
    await Promise.all(trio.map((c) => c.firstSync));
    trio.forEach((c, i) => {
      for (let n = 0; n < 20; n++) {
        const text = c.doc.getText('text');
        // Word boundaries only (start or end), so concurrent words never split each other.
        text.insert(n % 2 === 0 ? 0 : text.length, `${'abc'[i]}${n} `);
      }
    });
    await waitForConvergence(trio);
    for (const letter of ['a', 'b', 'c']) expect(trio[0]!.text()).toContain(`${letter}19 `);
    expect(trio[0]!.text().split(' ').filter(Boolean)).toHaveLength(60);
  });

  it('a late joiner receives the stored content in its first sync, even after a restart', async () => {
    const first = await server();
    const writer = client(first, 'notes');
    await writer.firstSync;
    writer.doc.getText('text').insert(0, 'written before the restart');
    const observer = client(first, 'notes');
    await waitForConvergence([writer, observer]);
    const stored = sameStorage(first.config);
    await first.close();

    const second = await server(stored);
    const late = client(second, 'notes');
    let textAtFirstSync: string | null = null;
    late.provider.once('sync', () => {
      textAtFirstSync = late.text();
    });
    await late.firstSync;
    expect(textAtFirstSync).toBe('written before the restart');
  });

  it('shows awareness states while a client is present and removes them when it leaves', async () => {
    const s = await server();
    const alice = client(s, 'room');
    const bob = client(s, 'room');
    alice.provider.awareness.setLocalStateField('user', { name: 'Alice', color: '#e06c75' });
    bob.provider.awareness.setLocalStateField('user', { name: 'Bob', color: '#61afef' });
    const aliceId = alice.doc.clientID;
    await waitFor(
      () => bob.provider.awareness.getStates().get(aliceId)?.user?.name === 'Alice',
      'Bob to see Alice',
    );

    // A third client joining later gets both states at once.
    const carol = client(s, 'room');
    await waitFor(() => carol.provider.awareness.getStates().size === 3, 'Carol to see everyone');

    alice.provider.disconnect();
    await waitFor(() => !bob.provider.awareness.getStates().has(aliceId), 'Alice to disappear for Bob');
    await waitFor(() => !carol.provider.awareness.getStates().has(aliceId), 'Alice to disappear for Carol');
  });

  it('a client that kept editing while the server was down merges on reconnect', async () => {
    const first = await server();
    const { port, stored } = { port: first.port, stored: sameStorage(first.config) };
    const a = client(first, 'trip');
    const b = client(first, 'trip');
    await Promise.all([a.firstSync, b.firstSync]);
    a.doc.getText('text').insert(0, 'Day 1: arrive.');
    await waitForConvergence([a, b]);

    await first.close();
    await waitFor(() => !a.provider.wsconnected && !b.provider.wsconnected, 'both clients to notice');
    a.doc.getText('text').insert(a.text().length, ' Day 2: hike.');
    b.doc.getText('text').insert(0, '[draft] ');

    // Same port, so the providers' automatic reconnects find it.
    await server({ port, ...stored });
    await waitFor(() => a.provider.synced && b.provider.synced, 'both clients to resync');
    await waitForConvergence([a, b]);
    expect(a.text()).toBe('[draft] Day 1: arrive. Day 2: hike.');

    // And the server stored the merge: a fresh client sees it.
    const fresh = client(servers.at(-1)!, 'trip');
    await fresh.firstSync;
    expect(fresh.text()).toBe('[draft] Day 1: arrive. Day 2: hike.');
  });

  it('fifty clients opening a large stored document at once all get all of it', async () => {
    const first = await server();
    const author = client(first, 'big');
    await author.firstSync;
    const paragraph = 'All work and no play makes Jack a dull boy. '.repeat(20);
    for (let i = 0; i < 300; i++) author.doc.getText('text').insert(author.text().length, paragraph);
    const expected = author.text();
    const check = client(first, 'big');
    await waitForConvergence([author, check], 30_000);
    const stored = sameStorage(first.config);
    await first.close();

    const second = await server(stored);
    const crowd = Array.from({ length: 50 }, () => client(second, 'big'));
    await Promise.all(crowd.map((c) => c.firstSync));
    for (const c of crowd) expect(c.text().length).toBe(expected.length);
    expect(crowd.every((c) => c.text() === expected)).toBe(true);
  });

  it('keeps documents apart: an edit in one room never reaches another', async () => {
    const s = await server();
    const a = client(s, 'room-a');
    const b = client(s, 'room-b');
    await Promise.all([a.firstSync, b.firstSync]);
    a.doc.getText('text').insert(0, 'only in a');
    const a2 = client(s, 'room-a');
    await waitForConvergence([a, a2]);
    expect(b.text()).toBe('');
    expect(Y.encodeStateVector(b.doc)).toEqual(Uint8Array.of(0));
  });

  it('syncs compressed sockets beside plain ones when PER_MESSAGE_DEFLATE is on', async () => {
    const s = await server({ perMessageDeflate: true });
    const compressed = client(s, 'deflate');
    await compressed.firstSync;
    // The ws client offers permessage-deflate; a browser without it gets plain frames.
    expect((compressed.provider.ws as unknown as { extensions: string }).extensions).toContain(
      'permessage-deflate',
    );
    const longText = 'All work and no play makes Jack a dull boy. '.repeat(500);
    compressed.doc.getText('text').insert(0, longText);
    const other = client(s, 'deflate');
    await waitForConvergence([compressed, other]);
    expect(other.text()).toBe(longText);
  });
});
