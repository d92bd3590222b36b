import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { STATS_PATH, type StatsSample } from '../../shared/stats.ts';
import { fleetChannelName } from '../../server/fleet/RedisFleetChannel.ts';
import { connectClient, type TestClient } from '../helpers/clients.ts';
import { freshDatabaseUrl, runSql, schemaOf, terminateConnections } from '../helpers/postgres.ts';
import { freshRedisPrefix, testRedisUrl } from '../helpers/redis.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { readEventsUntil } from '../helpers/sse.ts';

const REDIS_URL = testRedisUrl();
let servers: TestServer[] = [];
let clients: TestClient[] = [];

afterEach(async () => {
  for (const c of clients) c.destroy();
  clients = [];
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

/**
 * Instances on one Redis prefix of their own and one fresh database (or, with
 * `ownDatabases`, one each, so that a test can take one instance's away).
 */
async function startInstances(ids: string[], ownDatabases = false): Promise<TestServer[]> {
  const shared = await freshDatabaseUrl();
  const prefix = freshRedisPrefix();
  const started = await Promise.all(
    ids.map(async (instanceId) => {
      const url = ownDatabases ? await freshDatabaseUrl() : shared;
      return startTestServer({
        instanceId,
        database: { url, poolSize: 4, statementTimeoutMs: 10_000 },
        redis: { url: REDIS_URL, prefix },
      });
    }),
  );
  servers.push(...started);
  return started;
}

const connect = (server: TestServer, room: string) => {
  const c = connectClient(server.syncUrl, room);
  clients.push(c);
  return c;
};

/**
 * Samples of one instance's dashboard stream, taken from now on (not its replayed history),
 * until one satisfies `wanted`.
 */
async function sampleWhere(
  server: TestServer,
  wanted: (sample: StatsSample) => boolean,
): Promise<StatsSample> {
  const from = { 'last-event-id': String(Date.now()) };
  const events = await readEventsUntil(
    await fetch(`${server.url}${STATS_PATH}`, { headers: from }),
    (events) => {
      const last = events.at(-1);
      return last !== undefined && wanted(JSON.parse(last.data) as StatsSample);
    },
  );
  return JSON.parse(events.at(-1)!.data) as StatsSample;
}

const ids = (sample: StatsSample) => sample.instances.map((row) => row.id);

describe('one row per live instance on /admin', () => {
  it("shows every instance's own figures on the dashboard of one, and drops an instance that stops", async () => {
    const [east, west] = await startInstances(['east', 'west']);
    const onEast = [connect(east!, 'plans'), connect(east!, 'plans')];
    const onWest = [connect(west!, 'notes'), connect(west!, 'todo'), connect(west!, 'todo')];
    await Promise.all([...onEast, ...onWest].map((c) => c.firstSync));

    const both = await sampleWhere(
      east!,
      (s) => s.instances.length === 2 && s.instances.every((row) => row.connections > 0),
    );
    expect(both.instances).toEqual([
      expect.objectContaining({ id: 'east', connections: 2, documentsLoaded: 1, ready: true }),
      expect.objectContaining({ id: 'west', connections: 3, documentsLoaded: 2, ready: true }),
    ]);
    expect(both.instances[1]!.rssBytes).toBeGreaterThan(0);
    // The other instance's dashboard shows the same two.
    expect(ids(await sampleWhere(west!, (s) => s.instances.length === 2))).toEqual(['east', 'west']);

    await west!.close();
    servers = [east!];
    expect(ids(await sampleWhere(east!, (s) => s.instances.length === 1))).toEqual(['east']);
  });

  it('shows an instance whose database is away as not ready, and ready again once it is back', async () => {
    const [east, west] = await startInstances(['east', 'west'], true);
    const westUrl = west!.config.database!.url;
    const schema = schemaOf(westUrl);
    const westReady = (ready: boolean) => (s: StatsSample) =>
      s.instances.some((row) => row.id === 'west' && row.ready === ready);
    await sampleWhere(east!, westReady(true));

    await runSql(westUrl, `ALTER SCHEMA ${schema} RENAME TO ${schema}_away`);
    await terminateConnections(westUrl);
    const away = await sampleWhere(east!, westReady(false));
    expect(away.instances.find((row) => row.id === 'east')!.ready).toBe(true);

    await runSql(westUrl, `ALTER SCHEMA ${schema}_away RENAME TO ${schema}`);
    await sampleWhere(east!, westReady(true));
  });

  it('ignores malformed messages on the channel and keeps showing the real rows', async () => {
    const [only] = await startInstances(['solo']);
    const intruder = new Redis(REDIS_URL);
    try {
      const channel = fleetChannelName(only!.config.redis!.prefix);
      await intruder.publish(channel, 'not json');
      await intruder.publish(channel, JSON.stringify({ id: 'forged', connections: 'many' }));
      const [sample] = await Promise.all([
        sampleWhere(only!, (s) => s.instances.length >= 1),
        intruder.publish(channel, '{"id":'),
      ]);
      expect(ids(sample)).toEqual(['solo']);
    } finally {
      intruder.disconnect();
    }
  });
});
