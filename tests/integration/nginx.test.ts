import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { INSTANCE_HEADER } from '../../server/transport/syncUpgrade.ts';
import { useChildServers, type ChildServer } from '../helpers/childServer.ts';
import { connectClient, waitForConvergence, type TestClient } from '../helpers/clients.ts';
import { startNginx, type RunningNginx } from '../helpers/nginx.ts';
import { freshDatabaseUrl, openTestPostgres } from '../helpers/postgres.ts';
import { freshRedisPrefix, testRedisUrl } from '../helpers/redis.ts';
import { tempDataDir } from '../helpers/server.ts';
import { typeInto } from '../helpers/typing.ts';
import { waitFor } from '../helpers/wait.ts';

const servers = useChildServers();
let nginx: RunningNginx | null = null;
let clients: TestClient[] = [];

afterEach(async () => {
  for (const c of clients) c.destroy();
  clients = [];
  await nginx?.stop();
  nginx = null;
});

/** Three instances on one fresh database and this run's own Redis prefix, behind nginx. */
async function startCluster() {
  const databaseUrl = await freshDatabaseUrl();
  const prefix = freshRedisPrefix();
  const instances = await Promise.all(
    ['one', 'two', 'three'].map((id) =>
      servers.spawn({
        DATA_DIR: tempDataDir(),
        DATABASE_URL: databaseUrl,
        REDIS_URL: testRedisUrl(),
        REDIS_PREFIX: prefix,
        INSTANCE_ID: id,
        TRUST_PROXY: 'true',
      }),
    ),
  );
  nginx = await startNginx(instances.map((s) => s.port));
  return { databaseUrl, instances, nginx };
}

const throughNginx = (proxy: RunningNginx, room: string, doc?: Y.Doc) => {
  const c = connectClient(proxy.syncUrl, room, { doc });
  clients.push(c);
  return c;
};

/** The instance that accepted a WebSocket handshake to `/sync/<room>` through the proxy. */
function syncInstance(proxy: RunningNginx, room: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${proxy.syncUrl}/${room}`);
    socket.once('upgrade', (response) => {
      resolve(String(response.headers[INSTANCE_HEADER.toLowerCase()]));
      socket.close();
    });
    socket.once('error', reject);
  });
}

const restInstance = async (proxy: RunningNginx, path: string) =>
  (await fetch(`${proxy.url}${path}`)).headers.get(INSTANCE_HEADER);

const sessions = async (server: ChildServer) =>
  ((await (await fetch(`${server.url}/healthz`)).json()) as { sessions: number }).sessions;

/** The document as PostgreSQL holds it, read with a storage of its own. */
async function storedText(databaseUrl: string, name: string): Promise<string> {
  const storage = await openTestPostgres(undefined, databaseUrl);
  try {
    const stored = await storage.log.load(name);
    const doc = new Y.Doc();
    if (stored?.snapshot) Y.applyUpdate(doc, stored.snapshot);
    for (const update of stored?.updates ?? []) Y.applyUpdate(doc, update);
    return doc.getText('text').toString();
  } finally {
    await storage.close();
  }
}

describe('nginx (docs/nginx/inkwell.conf) in front of three instances', () => {
  it('syncs stock clients and their presence through the proxy', async () => {
    const { nginx: proxy } = await startCluster();
    const ada = throughNginx(proxy, 'meeting-notes');
    const grace = throughNginx(proxy, 'meeting-notes');
    await Promise.all([ada.firstSync, grace.firstSync]);
    ada.provider.awareness.setLocalStateField('user', { name: 'Ada', color: '#ff0000' });
    await waitFor(
      () =>
        [...grace.provider.awareness.getStates().values()].some(
          (state) => (state as { user?: { name?: string } }).user?.name === 'Ada',
        ),
      'Grace to see Ada',
    );
    ada.doc.getText('text').insert(0, 'agenda');
    await waitForConvergence([ada, grace]);
    expect(grace.text()).toBe('agenda');
  });

  it("sends a document's sync socket and its REST calls to the same instance, and spreads documents", async () => {
    const { nginx: proxy } = await startCluster();
    const names = [
      'meeting-notes',
      'playground/0/main',
      'Résumé 2026',
      'test-@y/websocket',
      ...Array.from({ length: 10 }, (_, i) => `doc-${i}`),
    ];
    const served = new Set<string>();
    for (const name of names) {
      const sync = await syncInstance(proxy, name);
      const encoded = encodeURIComponent(name);
      expect(await restInstance(proxy, `/api/docs/${encoded}`), name).toBe(sync);
      expect(await restInstance(proxy, `/api/docs/${encoded}/export?format=markdown`), name).toBe(sync);
      served.add(sync);
    }
    expect(served.size).toBeGreaterThan(1);
  });

  it('drains an instance on SIGTERM: its clients reconnect through nginx to the others and lose nothing', async () => {
    const { nginx: proxy, instances, databaseUrl } = await startCluster();
    const room = 'drained';
    const home = await syncInstance(proxy, room);
    const draining = instances[['one', 'two', 'three'].indexOf(home)]!;
    const survivors = instances.filter((s) => s !== draining);
    const typists = ['a', 'b', 'c', 'd'].map(() => throughNginx(proxy, room));
    // Someone on another instance (no balancer in between) watches over Redis throughout.
    const watcher = connectClient(survivors[0]!.syncUrl, room);
    clients.push(watcher);
    await Promise.all([...typists, watcher].map((c) => c.firstSync));
    expect(await sessions(draining)).toBe(typists.length);

    // Slow enough that typing goes on across the drain and the reconnect.
    const count = 200;
    const typing = typists.map((c, i) => typeInto(c, 'abcd'[i]!, count, { perTick: 1, everyMs: 10 }));
    await waitFor(() => typists.every((c) => c.text().length >= 40), 'typing to reach every client');
    draining.process.kill('SIGTERM');
    expect((await draining.exited).code).toBe(0);
    await Promise.all(typing);

    await waitFor(
      async () =>
        (await Promise.all(survivors.map(sessions))).reduce((a, b) => a + b, 0) === typists.length + 1,
      'every client to reconnect to the other instances',
    );
    await waitForConvergence([...typists, watcher]);
    for (const [i, letter] of ['a', 'b', 'c', 'd'].entries()) {
      expect(typists[i]!.text().replace(new RegExp(`[^${letter}]`, 'g'), '')).toBe(letter.repeat(count));
    }
    const expected = typists[0]!.text();
    expect(expected).toHaveLength(4 * count);
    await waitFor(
      async () => (await storedText(databaseUrl, room)) === expected,
      'the database to hold every edit',
    );
  });
});
