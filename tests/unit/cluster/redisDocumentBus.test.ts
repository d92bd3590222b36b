import { Redis } from 'ioredis';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentListener } from '../../../server/cluster/DocumentBus.ts';
import { RedisDocumentBus } from '../../../server/cluster/RedisDocumentBus.ts';
import { silentLogger } from '../../../server/logger.ts';
import type { LogEntry } from '../../../server/storage/DocLog.ts';
import { freshRedisPrefix, requireRedis, testRedisUrl } from '../../helpers/redis.ts';
import { deferred, waitFor } from '../../helpers/wait.ts';

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
    b.watch({ resync: () => {}, instanceGone: (id) => gone.resolve(id), evicted: () => {} });
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
    a.watch({ resync: () => {}, instanceGone: () => {}, evicted: (doc) => heardByA.push(doc) });
    b.watch({
      resync: () => {},
      instanceGone: () => {},
      evicted: (doc, code, reason) => evicted.resolve([doc, code, reason]),
    });
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
