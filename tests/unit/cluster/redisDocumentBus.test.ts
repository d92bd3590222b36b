import { Redis } from 'ioredis';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BusListener, DocumentListener } from '../../../server/cluster/DocumentBus.ts';
import { RedisDocumentBus } from '../../../server/cluster/RedisDocumentBus.ts';
import { silentLogger } from '../../../server/logger.ts';
import type { LogEntry } from '../../../server/storage/DocLog.ts';
import { freshRedisPrefix, redisClients, requireRedis, testRedisUrl } from '../../helpers/redis.ts';
import { deferred, waitFor } from '../../helpers/wait.ts';

/** Resolves once the key's TTL went up: its owner renewed it. */
async function renewalOf(redis: Redis, key: string): Promise<void> {
  // Between renewals the TTL only falls, so any rise from one reading to the next is one.
  // (Comparing with the first reading alone misses a renewal unless a reading lands within a
  // few milliseconds after it: on a loaded machine, every time.)
  let previous = await redis.pttl(key);
  await waitFor(async () => {
    const now = await redis.pttl(key);
    const rose = now > previous;
    previous = now;
    return rose;
  }, `a renewal of ${key}`);
}

/** Records what a document's listener hears. */
function recorder() {
  const heard: { entries: LogEntry[][]; awareness: Uint8Array[]; queries: string[] } = {
    entries: [],
    awareness: [],
    queries: [],
  };
  const listener: DocumentListener = {
    entries: (_from, entries) => heard.entries.push(entries),
    awareness: (_from, update) => heard.awareness.push(update),
    awarenessQuery: (from) => heard.queries.push(from),
  };
  return { heard, listener };
}

/** A bus watcher that hears only what the test gives it. */
const watcher = (heard: Partial<BusListener>): BusListener => ({
  resync: () => {},
  instanceGone: () => {},
  livenessLapsed: () => {},
  evicted: () => {},
  ...heard,
});

describe('RedisDocumentBus on a real Redis', () => {
  let buses: RedisDocumentBus[] = [];
  let admin: Redis | null = null;
  const bus = async (prefix: string) => {
    const b = new RedisDocumentBus({ url: testRedisUrl(), prefix, logger: silentLogger() });
    buses.push(b);
    expect(await b.start()).toBe(true);
    return b;
  };

  beforeAll(() => requireRedis());
  afterEach(async () => {
    await Promise.all(buses.map((b) => b.close()));
    buses = [];
    admin?.disconnect();
    admin = null;
  });

  it('carries commit batches between instances of one prefix, never to another prefix or back to the sender', async () => {
    const prefix = freshRedisPrefix();
    const [a, b, elsewhere] = await Promise.all([bus(prefix), bus(prefix), bus(freshRedisPrefix())]);
    const onA = recorder();
    const onB = recorder();
    const onElsewhere = recorder();
    const channel = await a.join('doc', onA.listener);
    await b.join('doc', onB.listener);
    await elsewhere.join('doc', onElsewhere.listener);
    channel.publishEntries([{ seq: 3, update: Uint8Array.of(1, 2) }]);
    channel.queryAwareness();
    await waitFor(() => onB.heard.queries.length === 1, 'B to hear the query');
    expect(onB.heard.entries).toEqual([[{ seq: 3, update: Uint8Array.of(1, 2) }]]);
    expect(onB.heard.queries).toEqual([a.instanceId]);
    expect(onA.heard).toEqual({ entries: [], awareness: [], queries: [] });
    expect(onElsewhere.heard).toEqual({ entries: [], awareness: [], queries: [] });
  });

  it('drops an undecodable message on a channel and keeps working', async () => {
    const prefix = freshRedisPrefix();
    const [a, b] = await Promise.all([bus(prefix), bus(prefix)]);
    const onB = recorder();
    await b.join('doc', onB.listener);
    admin = new Redis(testRedisUrl());
    await admin.publish(`${prefix}doc:doc`, Buffer.from([0xff, 0xff, 0xff]));
    const channel = await a.join('doc', recorder().listener);
    channel.publishAwareness(Uint8Array.of(7));
    await waitFor(() => onB.heard.awareness.length === 1, 'B to hear the awareness update');
    expect(onB.heard.entries).toEqual([]);
  });

  it('lists the live instances from their keys, and one that closes leaves the list and is reported gone', async () => {
    const prefix = freshRedisPrefix();
    const [a, b] = await Promise.all([bus(prefix), bus(prefix)]);
    await waitFor(async () => (await a.liveInstances()).length === 2, 'both liveness keys');
    expect((await b.liveInstances()).map((i) => i.id).sort()).toEqual([a.instanceId, b.instanceId].sort());
    // B hears from A, so it watches A's key.
    const gone = deferred<string>();
    b.watch(watcher({ instanceGone: (id) => gone.resolve(id) }));
    const onB = recorder();
    await b.join('doc', onB.listener);
    (await a.join('doc', recorder().listener)).queryAwareness();
    await waitFor(() => onB.heard.queries.length === 1, 'B to hear from A');
    await a.close();
    expect(await gone.promise).toBe(a.instanceId);
    expect((await b.liveInstances()).map((i) => i.id)).toEqual([b.instanceId]);
  });

  it('tells every other instance of an eviction, holding the document or not', async () => {
    const prefix = freshRedisPrefix();
    const [a, b] = await Promise.all([bus(prefix), bus(prefix)]);
    const evicted = deferred<[string, number, string]>();
    const heardByA: string[] = [];
    a.watch(watcher({ evicted: (doc) => heardByA.push(doc) }));
    b.watch(watcher({ evicted: (doc, code, reason) => evicted.resolve([doc, code, reason]) }));
    // Neither has joined the document: the eviction travels on the instances' shared channel.
    const redis = new Redis(testRedisUrl());
    try {
      await waitFor(async () => {
        const [, subscribers] = (await redis.pubsub('NUMSUB', `${prefix}evictions`)) as [string, number];
        return subscribers === 2;
      }, 'both buses to subscribe to evictions');
    } finally {
      redis.disconnect();
    }
    a.announceEviction('gone/doc', 4410, 'this document is in the trash');
    expect(await evicted.promise).toEqual(['gone/doc', 4410, 'this document is in the trash']);
    expect(heardByA).toEqual([]);
  });

  it('an instance whose liveness key expired (a stall past the TTL) says so at its next beat, once, and its key is back', async () => {
    const prefix = freshRedisPrefix();
    const a = await bus(prefix);
    let lapses = 0;
    a.watch(watcher({ livenessLapsed: () => lapses++ }));
    admin = new Redis(testRedisUrl());
    const key = `${prefix}instance:${a.instanceId}`;
    await waitFor(async () => (await admin!.exists(key)) === 1, 'the liveness key');
    // Renewed at least once more with nothing amiss: a beat on a live key reports nothing.
    await renewalOf(admin, key);
    expect(lapses).toBe(0);
    // What the others see when this instance's event loop stalls past the TTL.
    await admin.pexpire(key, 1);
    await waitFor(() => lapses === 1, 'the lapse to be reported');
    expect(await admin.exists(key)).toBe(1);
    await renewalOf(admin, key);
    expect(lapses).toBe(1);
  });

  it('names its connections after the prefix, the instance and the role', async () => {
    const prefix = freshRedisPrefix();
    const b = new RedisDocumentBus({ url: testRedisUrl(), prefix, logger: silentLogger(), name: 'web 1' });
    buses.push(b);
    expect(await b.start()).toBe(true);
    admin = new Redis(testRedisUrl());
    const names = (await redisClients(admin)).map((c) => c.name).filter((n) => n.startsWith(prefix));
    expect(names.sort()).toEqual([`${prefix}bus:web_1:pub`, `${prefix}bus:web_1:sub`]);
  });

  it('publishes nothing at all once closed, and leaves its channels', async () => {
    const prefix = freshRedisPrefix();
    const a = await bus(prefix);
    const channel = await a.join('doc', recorder().listener);
    admin = new Redis(testRedisUrl());
    const heard: string[] = [];
    admin.on('pmessage', (_pattern: string, name: string) => heard.push(name));
    await admin.psubscribe(`${prefix}*`);
    channel.publishEntries([{ seq: 1, update: Uint8Array.of(1) }]);
    await waitFor(() => heard.length === 1, 'the listener to hear a publish before the close');

    await a.close();
    channel.publishEntries([{ seq: 2, update: Uint8Array.of(2) }]);
    channel.publishAwareness(Uint8Array.of(3));
    channel.queryAwareness();
    a.announceEviction('doc', 4410, 'gone');
    channel.leave();
    // The calls above are synchronous: a publish they made would have left before this marker,
    // so once the marker is heard, such a publish would have been too.
    const publisher = new Redis(testRedisUrl());
    try {
      await publisher.publish(`${prefix}marker`, 'end');
      await waitFor(() => heard.includes(`${prefix}marker`), 'the marker');
      const [, subscribers] = (await publisher.pubsub('NUMSUB', `${prefix}doc:doc`)) as [string, number];
      expect(subscribers).toBe(0);
    } finally {
      publisher.disconnect();
    }
    expect(heard).toEqual([`${prefix}doc:doc`, `${prefix}marker`]);
  });

  it('says Redis is unreachable when it is', async () => {
    const b = new RedisDocumentBus({
      url: 'redis://127.0.0.1:1',
      prefix: freshRedisPrefix(),
      logger: silentLogger(),
    });
    buses.push(b);
    expect(await b.start()).toBe(false);
    expect(b.unreachable()).toMatch(/^redis unreachable/);
  });
});
