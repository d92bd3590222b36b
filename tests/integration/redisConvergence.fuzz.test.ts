import * as prng from 'lib0/prng';
import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { useChildServers, type ChildServer } from '../helpers/childServer.ts';
import { waitForConvergence, type TestClient } from '../helpers/clients.ts';
import { freshDatabaseUrl, runSql } from '../helpers/postgres.ts';
import { freshRedisPrefix, requireRedis, testRedisUrl } from '../helpers/redis.ts';
import { tempDataDir } from '../helpers/server.ts';
import { randomEdit } from '../helpers/fuzzEdits.ts';

/**
 * Seeded convergence fuzz across instances: clients on random instances make random edits
 * while they randomly disconnect, come back through another instance, and instances are
 * killed and replaced. Every client, and the document stored in PostgreSQL, must end
 * identical. Rerun one failing case with FUZZ_SEED=<seed>.
 */
const SEEDS = process.env.FUZZ_SEED ? [Number(process.env.FUZZ_SEED)] : [1, 2];
const INSTANCES = 3;
const CLIENTS = 5;
const STEPS = 90;

const servers = useChildServers();

/** The document as PostgreSQL stores it: snapshot, then the entries after it. */
async function storedText(databaseUrl: string, room: string): Promise<string> {
  const doc = new Y.Doc();
  const [snapshot] = await runSql<{ snapshot: Buffer }>(
    databaseUrl,
    'SELECT snapshot FROM snapshots WHERE name = $1',
    [room],
  );
  if (snapshot) Y.applyUpdate(doc, snapshot.snapshot);
  const entries = await runSql<{ data: Buffer }>(
    databaseUrl,
    'SELECT data FROM updates WHERE doc = $1 ORDER BY seq',
    [room],
  );
  for (const { data } of entries) Y.applyUpdate(doc, data);
  return doc.getText('text').toString();
}

/** A turn of the event loop or a few, so that messages move between steps. */
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Deployment {
  databaseUrl: string;
  instances: ChildServer[];
  spawn(): Promise<ChildServer>;
}

async function deployment(): Promise<Deployment> {
  const databaseUrl = await freshDatabaseUrl();
  const env = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: testRedisUrl(),
    REDIS_PREFIX: freshRedisPrefix(),
    COMPACT_AFTER_UPDATES: '20',
  };
  const spawn = () => servers.spawn({ ...env, DATA_DIR: tempDataDir() });
  return { databaseUrl, spawn, instances: await Promise.all(Array.from({ length: INSTANCES }, spawn)) };
}

/** One seed's run on its own document of the deployment. */
async function runFuzz(
  gen: prng.PRNG,
  { databaseUrl, instances, spawn }: Deployment,
  room: string,
): Promise<{ moves: number; kills: number; length: number }> {
  /** Each client's document outlives its connections; `on` is the instance it is connected to. */
  const clients: { doc: Y.Doc; c: TestClient | null; on: ChildServer | null }[] = [];
  const connect = (slot: (typeof clients)[number]) => {
    const server = prng.oneOf(gen, instances);
    slot.c = servers.client(server, room, slot.doc);
    slot.on = server;
  };
  const disconnect = (slot: (typeof clients)[number]) => {
    // Destroying the provider leaves the Y.Doc (with any unsent edits) to the next one.
    slot.c?.provider.destroy();
    slot.c = null;
    slot.on = null;
  };
  for (let i = 0; i < CLIENTS; i++) {
    const slot = { doc: new Y.Doc(), c: null, on: null };
    clients.push(slot);
    connect(slot);
  }
  await Promise.all(clients.map((slot) => slot.c!.firstSync));
  let moves = 0;
  let kills = 0;
  const killStep = prng.int32(gen, STEPS / 4, (3 * STEPS) / 4);
  let replacement: Promise<void> = Promise.resolve();

  for (let step = 0; step < STEPS; step++) {
    const roll = prng.int32(gen, 0, 99);
    const slot = prng.oneOf(gen, clients);
    if (roll < 75) {
      // Edits go on while disconnected too: they must merge through whichever instance is next.
      for (let i = prng.int32(gen, 1, 3); i > 0; i--) randomEdit(gen, slot.doc);
    } else {
      moves++;
      if (slot.c === null) connect(slot);
      else disconnect(slot);
    }
    if (step === killStep) {
      // kill -9 an instance and start a replacement; its clients come back through the others.
      kills++;
      const victim = prng.oneOf(gen, instances);
      victim.process.kill('SIGKILL');
      await victim.exited;
      instances.splice(instances.indexOf(victim), 1);
      for (const other of clients) if (other.on === victim) disconnect(other);
      // The replacement joins when it is up; the run goes on on the survivors meanwhile.
      replacement = spawn().then((server) => void instances.push(server));
    }
    await pause(prng.int32(gen, 0, 15));
  }

  await replacement;
  for (const slot of clients) if (slot.c === null) connect(slot);
  const connected = clients.map((slot) => slot.c!);
  await waitForConvergence(connected, 20_000);
  const text = connected[0]!.text();
  expect(await storedText(databaseUrl, room)).toBe(text);
  for (const slot of clients) disconnect(slot);
  return { moves, kills, length: text.length };
}

beforeAll(() => requireRedis());

describe('convergence fuzz across instances over Redis', () => {
  // Well under 40 s on an idle 2-core machine; the timeout leaves room for a loaded one.
  it(
    `every client and the stored document end identical (seeds ${SEEDS.join(', ')})`,
    { timeout: 120_000 },
    async () => {
      // One deployment for every seed (starting processes is most of the cost), a document each.
      const shared = await deployment();
      for (const seed of SEEDS) {
        try {
          const summary = await runFuzz(prng.create(seed), shared, `fuzz-${seed}`);
          if (process.env.FUZZ_SEED) console.log(`seed ${seed}:`, summary);
        } catch (error) {
          throw new Error(`cross-instance fuzz failed; rerun with FUZZ_SEED=${seed}\n${String(error)}`, {
            cause: error,
          });
        }
      }
    },
  );
});
