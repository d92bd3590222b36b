import { execFile } from 'node:child_process';
import { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { useChildServers, type ChildServer } from '../helpers/childServer.ts';
import { covers, waitForConvergence, type TestClient } from '../helpers/clients.ts';
import { busConnectionName } from '../../server/cluster/RedisDocumentBus.ts';
import { freshDatabaseUrl, openTestPostgres } from '../helpers/postgres.ts';
import { parsePrometheusText, sampleValue } from '../helpers/prometheusText.ts';
import {
  freshRedisPrefix,
  redisClients,
  requireRedis,
  startThrowawayRedis,
  testRedisUrl,
} from '../helpers/redis.ts';
import { tempDataDir } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait.ts';
import { keepTyping, namesSeenBy, setName, typeInto } from '../helpers/typing.ts';

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

/** The periodic log check pushed out of a test's reach: what arrives came over Redis or a resync. */
const NO_LOG_CHECK = { LOG_CHECK_INTERVAL_MS: String(86_400_000) };

/** Whether an instance's /readyz says Redis is away. */
const redisAway = async (server: ChildServer) =>
  (await (await fetch(`${server.url}/readyz`)).json()).degraded === 'redis-unreachable';

/** The instance's configured name (INSTANCE_ID), from the header every response carries. */
const instanceIdOf = async (server: ChildServer) =>
  (await fetch(`${server.url}/readyz`)).headers.get('x-inkwell-instance')!;

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

  it('a Redis restart mid-typing: edits typed during the outage come from the database, later ones over Redis again, and no client reconnects', async () => {
    const redis = await startThrowawayRedis();
    try {
      // No periodic log check: only the resync on reconnect and Redis itself can deliver.
      const { spawn } = await deployment(redis.url, NO_LOG_CHECK);
      const [a, b] = await Promise.all([spawn(), spawn()]);
      const onA = client(a, 'restart');
      const onB = client(b, 'restart');
      await Promise.all([onA.firstSync, onB.firstSync]);
      const statuses = [statusEvents(onA), statusEvents(onB)];
      const typists = [keepTyping(onA, 'a'), keepTyping(onB, 'b')];
      /** Waits for each client to type `count` more letters from now. */
      const typingGoesOn = async (count: number, what: string) => {
        const from = typists.map((t) => t.typed());
        await waitFor(() => typists.every((t, i) => t.typed() >= from[i]! + count), what);
      };

      await waitFor(() => onB.text().includes('a') && onA.text().includes('b'), 'edits to cross over');
      await redis.stop();
      // Still ready (edits are stored), but each says Redis is away.
      for (const server of [a, b]) await waitFor(() => redisAway(server), '/readyz to say redis is down');
      expect((await fetch(`${a.url}/readyz`)).status).toBe(200);
      expect(await metric(a, 'inkwell_redis_connected')).toBe(0);
      await typingGoesOn(50, 'typing while Redis is down');
      await redis.start();
      for (const server of [a, b]) {
        await waitFor(async () => !(await redisAway(server)), '/readyz to stop saying redis is down');
      }
      await typingGoesOn(50, 'typing once Redis is back');
      const typed = typists.map((t) => t.stop());

      await waitForConvergence([onA, onB]);
      expect(onA.text().replace(/b/g, '')).toBe('a'.repeat(typed[0]!));
      expect(onA.text().replace(/a/g, '')).toBe('b'.repeat(typed[1]!));
      expect(statuses.map((s) => s.count)).toEqual([0, 0]);
      for (const server of [a, b]) {
        expect(await metric(server, 'inkwell_redis_connected')).toBe(1);
        expect(await metric(server, 'inkwell_redis_reconnects_total')).toBe(1);
      }
    } finally {
      await redis.stop();
    }
  });

  it("tells an anonymous probe that Redis is missing, and only an operator the error's own text", async () => {
    const redis = await startThrowawayRedis();
    try {
      await redis.stop();
      const scrapeToken = 'readyz-detail-scrape-token';
      const { spawn } = await deployment(redis.url, {
        AUTH_SECRET: 'a-secret-of-at-least-thirty-two-characters',
        METRICS_TOKEN: scrapeToken,
      });
      const server = await spawn();
      const anonymous = await fetch(`${server.url}/readyz`);
      expect(anonymous.status).toBe(200);
      // The connection error names Redis's host and port: not for whoever can reach the probe.
      expect(await anonymous.json()).toEqual({ status: 'ready', degraded: 'redis-unreachable' });
      const operator = await fetch(`${server.url}/readyz`, {
        headers: { authorization: `Bearer ${scrapeToken}` },
      });
      expect(await operator.json()).toMatchObject({
        status: 'ready',
        degraded: 'redis-unreachable',
        detail: expect.stringMatching(/\S/),
      });
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
        async () => !(await redisAway(lonely)),
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

  it('an instance whose subscription was cut off while it stalled catches up from the database, while the others carry on over Redis', async () => {
    const admin = new Redis(testRedisUrl());
    try {
      const { spawn, prefix } = await deployment(testRedisUrl(), NO_LOG_CHECK);
      const [a, b, c] = await Promise.all([spawn(), spawn(), spawn()]);
      const writer = client(a, 'stall');
      const reader = client(b, 'stall');
      const watcher = client(c, 'stall');
      await Promise.all([writer.firstSync, reader.firstSync, watcher.firstSync]);
      const statuses = statusEvents(reader);
      const name = busConnectionName(prefix, await instanceIdOf(b), 'sub');
      const subscriber = (await redisClients(admin)).find((connection) => connection.name === name);
      expect(subscriber, `B's subscriber connection (${name})`).toBeDefined();

      // B stalls, and Redis cuts off its subscription alone (as it does a subscriber that reads
      // too slowly): everything A publishes meanwhile is lost to B, and only to B.
      b.process.kill('SIGSTOP');
      await admin.call('CLIENT', 'KILL', 'ID', subscriber!.id);
      await typeInto(writer, 'w', 300);
      await waitFor(() => watcher.text() === 'w'.repeat(300), 'C’s client to get every edit over Redis');
      b.process.kill('SIGCONT');
      await waitForConvergence([writer, reader]);
      expect(reader.text()).toBe('w'.repeat(300));
      // B resubscribed: what follows reaches it over Redis again.
      await typeInto(writer, 'v', 10);
      await waitFor(() => reader.text().endsWith('v'.repeat(10)), 'the next edits to reach B over Redis');
      expect(statuses.count).toBe(0);
      expect(await metric(b, 'inkwell_redis_reconnects_total')).toBe(1);
      expect(await metric(b, 'inkwell_entries_repaired_total')).toBeGreaterThan(0);
      for (const other of [a, c]) expect(await metric(other, 'inkwell_redis_reconnects_total')).toBe(0);
    } finally {
      admin.disconnect();
    }
  });

  it('an entry committed by an instance that died before publishing it reaches the others with the next message, from the database', async () => {
    const { spawn, databaseUrl } = await deployment(testRedisUrl(), NO_LOG_CHECK);
    const [a, b] = await Promise.all([spawn(), spawn()]);
    const writer = client(a, 'unpublished');
    const reader = client(b, 'unpublished');
    await Promise.all([writer.firstSync, reader.firstSync]);
    await typeInto(writer, 'w', 3);
    await waitFor(() => reader.text() === 'www', 'the first edits to cross over');

    // The dying instance's commit: in the log, never published (no message, no reconnect).
    const storage = await openTestPostgres(undefined, databaseUrl);
    try {
      const lost = new Y.Doc();
      lost.getText('text').insert(0, 'LOST');
      await storage.log.append('unpublished', Y.encodeStateAsUpdate(lost));
    } finally {
      await storage.close();
    }
    // A's next commit takes the number after it; its message shows both instances the gap.
    await typeInto(writer, 'w', 1);
    await waitFor(
      () => [writer, reader].every((c) => c.text().includes('LOST')),
      'the unpublished entry to reach both clients',
    );
    await waitForConvergence([writer, reader]);
    expect(reader.text().replace('LOST', '')).toBe('wwww');
    expect(await metric(b, 'inkwell_entries_repaired_total')).toBe(1);
  });

  it('an instance that stalls past its liveness TTL loses its people on the others for a moment, then brings them back at once, and no client reconnects', async () => {
    const { spawn } = await deployment();
    const [stalling, other] = await Promise.all([spawn(), spawn()]);
    const paused = client(stalling, 'stall-presence');
    const remote = client(other, 'stall-presence');
    await Promise.all([paused.firstSync, remote.firstSync]);
    setName(paused, 'Paused');
    await waitFor(() => namesSeenBy(remote).includes('Paused'), 'the other instance’s client to see Paused');
    const statuses = [statusEvents(paused), statusEvents(remote)];
    // The server asks by telling the client its own state was removed (y-protocols then raises
    // the clock and sends it again); the client's own renewal, every 15 s, would bring the name
    // back too, later, with origin 'local'.
    let asked = 0;
    type Change = { added: number[]; updated: number[]; removed: number[] };
    paused.provider.awareness.on('update', (change: Change, origin: unknown) => {
      const changed = [...change.added, ...change.updated, ...change.removed];
      if (origin === paused.provider && changed.includes(paused.doc.clientID)) asked++;
    });

    stalling.process.kill('SIGSTOP');
    await waitFor(() => !namesSeenBy(remote).includes('Paused'), 'Paused to leave when the key expires');
    stalling.process.kill('SIGCONT');
    await waitFor(() => namesSeenBy(remote).includes('Paused'), 'Paused to be back');
    expect(asked).toBe(1);
    expect(statuses.map((s) => s.count)).toEqual([0, 0]);
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
