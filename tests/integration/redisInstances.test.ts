import { execFile } from 'node:child_process';
import { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { useChildServers, type ChildServer } from '../helpers/childServer.ts';
import { covers, waitForConvergence, type TestClient } from '../helpers/clients.ts';
import { freshDatabaseUrl } from '../helpers/postgres.ts';
import { parsePrometheusText, sampleValue } from '../helpers/prometheusText.ts';
import { freshRedisPrefix, requireRedis, startThrowawayRedis, testRedisUrl } from '../helpers/redis.ts';
import { tempDataDir } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait.ts';
import { namesSeenBy, setName, typeInto } from '../helpers/typing.ts';

const servers = useChildServers();

/** A deployment: instances on one fresh database and one Redis prefix of this test's own. */
async function deployment(redisUrl = testRedisUrl(), env: Record<string, string> = {}) {
  const databaseUrl = await freshDatabaseUrl();
  const prefix = freshRedisPrefix();
  const spawn = () =>
    servers.spawn({
      DATA_DIR: tempDataDir(),
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      REDIS_PREFIX: prefix,
      ...env,
    });
  return { databaseUrl, prefix, spawn };
}

const client = (server: ChildServer, room: string, doc?: Y.Doc) => servers.client(server, room, doc);

/** Counts a provider's 'status' events: a client that reconnected would show more than one. */
function statusEvents(c: TestClient): { count: number } {
  const seen = { count: 0 };
  c.provider.on('status', () => seen.count++);
  return seen;
}

const metric = async (server: ChildServer, name: string) =>
  sampleValue(parsePrometheusText(await (await fetch(`${server.url}/metrics`)).text()), name);

beforeAll(() => requireRedis());

describe('several instances over Redis', () => {
  it('refuses to start with REDIS_URL but no DATABASE_URL, saying why in one line, with status 1', async () => {
    const { DATABASE_URL: _unset, ...env } = process.env;
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        ['--import', 'tsx', 'server/main.ts'],
        { env: { ...env, PORT: '0', DATA_DIR: tempDataDir(), REDIS_URL: testRedisUrl() } },
        (_error, _stdout, stderr) => resolve({ code: child.exitCode, stderr }),
      );
    });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/REDIS_URL needs DATABASE_URL/)]);
  });

  it('three instances converge on one document, and everyone sees everyone’s presence', async () => {
    const { spawn } = await deployment();
    const instances = await Promise.all([spawn(), spawn(), spawn()]);
    const clients = instances.flatMap((server) => [client(server, 'shared'), client(server, 'shared')]);
    await Promise.all(clients.map((c) => c.firstSync));

    await Promise.all(clients.map((c, i) => typeInto(c, String.fromCharCode(97 + i), 40)));
    await waitForConvergence(clients);
    const text = clients[0]!.text();
    for (let i = 0; i < clients.length; i++) {
      expect(text.replace(new RegExp(`[^${String.fromCharCode(97 + i)}]`, 'g'), '')).toHaveLength(40);
    }

    // Presence: a name set on instance 0 shows on 1 and 2; a change shows; leaving removes it.
    setName(clients[0]!, 'Ann');
    const others = clients.slice(1);
    await waitFor(() => others.every((c) => namesSeenBy(c).includes('Ann')), 'Ann everywhere');
    setName(clients[0]!, 'Ann B.');
    await waitFor(() => others.every((c) => namesSeenBy(c).includes('Ann B.')), 'the new name everywhere');
    clients[0]!.provider.disconnect();
    await waitFor(
      () => others.every((c) => !namesSeenBy(c).some((n) => n.startsWith('Ann'))),
      'Ann gone everywhere',
    );
    // A client joining later on another instance learns who is there.
    setName(clients[3]!, 'Bo');
    const late = client(instances[2]!, 'shared');
    await late.firstSync;
    await waitFor(() => namesSeenBy(late).includes('Bo'), 'the late joiner to see Bo');
    expect(await metric(instances[0]!, 'inkwell_cluster_published_total')).toBeGreaterThan(0);
  });

  it('a killed instance loses no edit anyone saw, and its people disappear from the others', async () => {
    const { spawn } = await deployment();
    const [doomed, survivor] = await Promise.all([spawn(), spawn()]);
    const writer = client(doomed, 'kill');
    const watcher = client(doomed, 'kill');
    const remote = client(survivor, 'kill');
    await Promise.all([writer.firstSync, watcher.firstSync, remote.firstSync]);
    setName(writer, 'Doomed');
    await waitFor(() => namesSeenBy(remote).includes('Doomed'), 'the survivor’s client to see Doomed');

    void typeInto(writer, 'k', 300);
    await waitFor(() => watcher.text().length >= 60, 'some typing to be broadcast');
    doomed.process.kill('SIGKILL');
    await doomed.exited;
    const seen = Y.encodeStateAsUpdate(watcher.doc);
    writer.destroy();
    watcher.destroy();
    const seenDoc = new Y.Doc();
    Y.applyUpdate(seenDoc, seen);

    // Everything the killed instance broadcast reaches the survivor's client...
    await waitFor(() => covers(remote.doc, seenDoc), 'the survivor’s client to hold every broadcast edit');
    // ...is stored (a fresh client on the survivor loads it)...
    const fresh = client(survivor, 'kill');
    await fresh.firstSync;
    expect(covers(fresh.doc, seenDoc)).toBe(true);
    // ...and the killed instance's people leave the survivor's clients within a few seconds.
    await waitFor(() => !namesSeenBy(remote).includes('Doomed'), 'Doomed to disappear');
  });

  it('a document moved to the trash through one instance closes its sessions on every instance', async () => {
    const { spawn } = await deployment();
    const [a, b] = await Promise.all([spawn(), spawn()]);
    const onA = client(a, 'binned');
    const onB = client(b, 'binned');
    await Promise.all([onA.firstSync, onB.firstSync]);
    await typeInto(onB, 'x', 3);
    await waitFor(() => onA.text() === 'xxx', 'the edit to reach A');
    const closedOnB = new Promise<number | undefined>((resolve) => {
      onB.provider.on('connection-close', (event: CloseEvent | null) => resolve(event?.code));
    });
    expect((await fetch(`${a.url}/api/docs/binned`, { method: 'DELETE' })).ok).toBe(true);
    // B holds the room with no request of its own: only the bus can tell it.
    expect(await closedOnB).toBe(4410);
    expect((await fetch(`${b.url}/api/docs/binned`)).status).toBe(410);
  });

  it('a graceful stop publishes its last commits, takes its people away at once and leaves no key behind', async () => {
    const { spawn, prefix } = await deployment();
    const [stopping, staying] = await Promise.all([spawn(), spawn()]);
    const leaver = client(stopping, 'stop');
    const remote = client(staying, 'stop');
    await Promise.all([leaver.firstSync, remote.firstSync]);
    setName(leaver, 'Leaver');
    await waitFor(() => namesSeenBy(remote).includes('Leaver'), 'the other instance’s client to see Leaver');
    await typeInto(leaver, 'g', 30);
    stopping.process.kill('SIGTERM');
    expect(await stopping.exited).toEqual({ code: 0, signal: null });
    await waitFor(() => remote.text() === 'g'.repeat(30), 'the last edits to reach the other instance');
    // Its sockets' presence was removed and published before it quit, and its key deleted.
    await waitFor(() => !namesSeenBy(remote).includes('Leaver'), 'Leaver to leave');
    const redis = new Redis(testRedisUrl());
    try {
      expect(await redis.keys(`${prefix}instance:*`)).toHaveLength(1);
    } finally {
      redis.disconnect();
    }
  });

  it('a Redis restart mid-typing: instances reconnect and converge, and no client reconnects', async () => {
    const redis = await startThrowawayRedis();
    try {
      const { spawn } = await deployment(redis.url);
      const [a, b] = await Promise.all([spawn(), spawn()]);
      const onA = client(a, 'restart');
      const onB = client(b, 'restart');
      await Promise.all([onA.firstSync, onB.firstSync]);
      const statuses = [statusEvents(onA), statusEvents(onB)];

      const typing = Promise.all([typeInto(onA, 'a', 200), typeInto(onB, 'b', 200)]);
      await waitFor(() => onB.text().includes('a') && onA.text().includes('b'), 'edits to cross over');
      await redis.stop();
      // Still ready (edits are stored), but it says Redis is away.
      await waitFor(
        async () => (await (await fetch(`${a.url}/readyz`)).json()).degraded === 'redis-unreachable',
        '/readyz to say redis is down',
      );
      expect((await fetch(`${a.url}/readyz`)).status).toBe(200);
      expect(await metric(a, 'inkwell_redis_connected')).toBe(0);
      await redis.start();
      await typing;
      await waitForConvergence([onA, onB], 20_000);
      expect(onA.text().replace(/b/g, '')).toBe('a'.repeat(200));
      expect(onA.text().replace(/a/g, '')).toBe('b'.repeat(200));
      expect(statuses.map((s) => s.count)).toEqual([0, 0]);
      await waitFor(
        async () => (await (await fetch(`${a.url}/readyz`)).json()).degraded === undefined,
        '/readyz to stop saying redis is down',
      );
      expect(await metric(a, 'inkwell_redis_connected')).toBe(1);
      expect(await metric(a, 'inkwell_redis_reconnects_total')).toBeGreaterThanOrEqual(1);
    } finally {
      await redis.stop();
    }
  });

  it('an instance started while Redis is away takes edits, and says Redis is missing until it is there', async () => {
    const redis = await startThrowawayRedis();
    try {
      await redis.stop();
      const { spawn } = await deployment(redis.url);
      const lonely = await spawn();
      const readyz = await fetch(`${lonely.url}/readyz`);
      expect(readyz.status).toBe(200);
      expect(await readyz.json()).toMatchObject({ status: 'ready', degraded: 'redis-unreachable' });
      const writer = client(lonely, 'early');
      await writer.firstSync;
      await typeInto(writer, 'e', 10);
      await redis.start();
      await waitFor(
        async () => (await (await fetch(`${lonely.url}/readyz`)).json()).degraded === undefined,
        '/readyz to stop saying redis is down once Redis is up',
      );
      // A second instance sees what was written before Redis came, and what follows.
      const other = await spawn();
      const reader = client(other, 'early');
      await reader.firstSync;
      await typeInto(writer, 'f', 10);
      await waitForConvergence([writer, reader]);
      expect(reader.text()).toBe('e'.repeat(10) + 'f'.repeat(10));
    } finally {
      await redis.stop();
    }
  });

  it('an instance whose subscription dropped messages catches up from the database', async () => {
    const redis = await startThrowawayRedis();
    const admin = new Redis(redis.url);
    try {
      const { spawn } = await deployment(redis.url);
      const [a, b] = await Promise.all([spawn(), spawn()]);
      const writer = client(a, 'stall');
      const reader = client(b, 'stall');
      await Promise.all([writer.firstSync, reader.firstSync]);
      const statuses = statusEvents(reader);

      // B stalls, and Redis cuts off the subscriptions (as it does a subscriber that reads too
      // slowly): everything A publishes meanwhile is lost to B.
      b.process.kill('SIGSTOP');
      await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
      await typeInto(writer, 'w', 300);
      b.process.kill('SIGCONT');
      await waitForConvergence([writer, reader], 20_000);
      expect(reader.text()).toBe('w'.repeat(300));
      expect(statuses.count).toBe(0);
      expect(await metric(b, 'inkwell_entries_repaired_total')).toBeGreaterThan(0);
    } finally {
      admin.disconnect();
      await redis.stop();
    }
  });

  it('a document open on two instances while one compacts and the other appends loses nothing', async () => {
    const { spawn } = await deployment(testRedisUrl(), { COMPACT_AFTER_UPDATES: '5' });
    const [a, b] = await Promise.all([spawn(), spawn()]);
    const onA = client(a, 'compact');
    const onB = client(b, 'compact');
    await Promise.all([onA.firstSync, onB.firstSync]);
    await Promise.all([typeInto(onA, 'a', 150), typeInto(onB, 'b', 150)]);
    await waitForConvergence([onA, onB]);
    expect(await metric(a, 'inkwell_compactions_total')).toBeGreaterThan(0);

    // What the database holds, through an instance that loads it fresh.
    const c = await spawn();
    const fresh = client(c, 'compact');
    await fresh.firstSync;
    expect(fresh.text().replace(/b/g, '')).toBe('a'.repeat(150));
    expect(fresh.text().replace(/a/g, '')).toBe('b'.repeat(150));
  });
});
