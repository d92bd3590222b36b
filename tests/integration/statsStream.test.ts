import { afterEach, describe, expect, it } from 'vitest';
import { TokenRole, Role } from '../../shared/access.ts';
import { STATS_PATH, type StatsSample } from '../../shared/stats.ts';
import { signToken } from '../../server/access/TokenVerifier.ts';
import { connectClient, type TestClient } from '../helpers/clients.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { readEvents } from '../helpers/sse.ts';

const SECRET = 'stats-test-secret-that-is-long-enough!!';
let servers: TestServer[] = [];
let clients: TestClient[] = [];

afterEach(async () => {
  for (const c of clients) c.destroy();
  clients = [];
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function start(overrides: Parameters<typeof startTestServer>[0] = {}) {
  const server = await startTestServer(overrides);
  servers.push(server);
  return server;
}

const stream = (server: TestServer, headers: Record<string, string> = {}, query = '') =>
  fetch(`${server.url}${STATS_PATH}${query}`, { headers });

describe('the stats event stream', () => {
  it('sends one sample a second with an id, counting the connections and the busy document', async () => {
    const server = await start();
    clients = [connectClient(server.syncUrl, 'busy'), connectClient(server.syncUrl, 'busy')];
    await Promise.all(clients.map((c) => c.firstSync));
    const [first, second] = await readEvents(await stream(server), 2);
    expect(first!.event).toBe('stats');
    const sample = JSON.parse(second!.data) as StatsSample;
    expect(Number(second!.id)).toBe(sample.at);
    expect(Number(second!.id)).toBeGreaterThan(Number(first!.id));
    expect(sample.connections).toBe(2);
    expect(sample.documentsLoaded).toBe(1);
    expect(sample.documents[0]).toMatchObject({ name: 'busy', connections: 2 });
    expect(sample.eventLoopLagMs.p99).toBeGreaterThanOrEqual(0);
    expect(sample.memory.rssBytes).toBeGreaterThan(0);
    // Without Redis, the instances table holds this one.
    expect(sample.instances).toEqual([
      expect.objectContaining({
        id: server.config.instanceId,
        connections: 2,
        documentsLoaded: 1,
        ready: true,
      }),
    ]);
  });

  it('resumes after Last-Event-ID, also from a restarted server on the same port', async () => {
    const first = await start();
    const [seen] = await readEvents(await stream(first), 1);
    await first.close();
    servers = [];
    const restarted = await start({ port: first.port, dataDir: first.config.dataDir });
    const [next] = await readEvents(await stream(restarted, { 'last-event-id': seen!.id }), 1);
    expect(Number(next!.id)).toBeGreaterThan(Number(seen!.id));
  });

  it('is for admin tokens only when auth is on', async () => {
    const server = await start({ authSecret: SECRET });
    expect((await stream(server)).status).toBe(401);
    const writer = await signToken(SECRET, { sub: 'w', doc: '*', role: Role.Write }, 600);
    expect((await stream(server, {}, `?token=${writer}`)).status).toBe(403);
    const admin = await signToken(SECRET, { sub: 'a', doc: '*', role: TokenRole.Admin }, 600);
    const events = await readEvents(await stream(server, {}, `?token=${admin}`), 1);
    expect(events).toHaveLength(1);
  });
});
