import * as prng from 'lib0/prng';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { decodeMessage, encodeSyncStep1, encodeSyncStep2, encodeSyncUpdate } from '../../shared/protocol.ts';
import { silentLogger } from '../../server/logger.ts';
import { RoomRegistry } from '../../server/rooms/RoomRegistry.ts';
import { createMemoryStorage } from '../../server/storage/memory/createMemoryStorage.ts';
import type { Storage } from '../../server/storage/Storage.ts';
import { connectClient, waitForConvergence, type TestClient } from '../helpers/clients.ts';
import { WRITER } from '../helpers/roomFakes.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { TestSocketPair } from '../helpers/TestSocketPair.ts';
import { waitFor } from '../helpers/wait.ts';
import { randomEdit } from '../helpers/fuzzEdits.ts';

/**
 * Seeded convergence fuzz: several clients make random edits while they randomly
 * disconnect, reconnect and the server restarts. Every copy, and the stored copy, must end
 * identical. Rerun one failing case with FUZZ_SEED=<seed> npm test.
 */
const SEEDS = process.env.FUZZ_SEED ? [Number(process.env.FUZZ_SEED)] : [1, 2, 3, 4];
const CLIENTS = 4;
const STEPS = 160;
const ROOM = 'fuzz';

/** Runs one seed, rethrowing a failure with the seed that replays it. */
async function withSeed<T>(seed: number, run: (gen: prng.PRNG) => Promise<T>): Promise<void> {
  try {
    const summary = await run(prng.create(seed));
    if (process.env.FUZZ_SEED) console.log(`seed ${seed}:`, summary);
  } catch (error) {
    console.error(`convergence fuzz failed with seed ${seed}; rerun with FUZZ_SEED=${seed}`);
    throw new Error(`convergence fuzz failed; rerun with FUZZ_SEED=${seed}\n${String(error)}`, {
      cause: error,
    });
  }
}

describe('convergence fuzz over real sockets', () => {
  let server: TestServer | null = null;
  let clients: TestClient[] = [];

  afterEach(async () => {
    for (const c of clients) c.destroy();
    clients = [];
    await server?.close();
    server = null;
  });

  async function runFuzz(gen: prng.PRNG): Promise<{ restarts: number; toggles: number; length: number }> {
    server = await startTestServer({ compactAfterUpdates: 25 });
    const { port, dataDir } = { port: server.port, dataDir: server.config.dataDir };
    clients = Array.from({ length: CLIENTS }, () => connectClient(server!.syncUrl, ROOM));
    await Promise.all(clients.map((c) => c.firstSync));
    let restarts = 0;
    let toggles = 0;
    // At least one restart per run, at a seeded step; more may happen at random.
    const forcedRestartStep = prng.int32(gen, STEPS / 4, (3 * STEPS) / 4);

    for (let step = 0; step < STEPS; step++) {
      const roll = prng.int32(gen, 0, 99);
      const client = prng.oneOf(gen, clients);
      if (roll < 70) {
        // Edits go on whether or not the client is connected: offline edits must merge too.
        const burst = prng.int32(gen, 1, 3);
        for (let i = 0; i < burst; i++) randomEdit(gen, client.doc);
      } else if (roll < 85) {
        toggles++;
        if (client.provider.shouldConnect) client.provider.disconnect();
        else void client.provider.connect();
      } else if (step === forcedRestartStep || (roll < 88 && restarts < 3)) {
        restarts++;
        await server.close();
        server = await startTestServer({ port, dataDir, compactAfterUpdates: 25 });
      } else {
        // Real sockets: let some traffic through before the next step.
        await new Promise((resolve) => setTimeout(resolve, prng.int32(gen, 0, 15)));
      }
    }

    for (const c of clients) if (!c.provider.shouldConnect) void c.provider.connect();
    await waitFor(() => clients.every((c) => c.provider.synced), 'every client to resync', 30_000);
    await waitForConvergence(clients, 30_000);

    // The stored copy: a fresh client after a restart sees exactly what everyone has.
    for (const c of clients) c.provider.disconnect();
    await server.close();
    server = await startTestServer({ port, dataDir });
    const fresh = connectClient(server.syncUrl, ROOM);
    clients.push(fresh);
    await fresh.firstSync;
    expect(fresh.text()).toBe(clients[0]!.text());
    expect(restarts).toBeGreaterThan(0);
    expect(toggles).toBeGreaterThan(0);
    return { restarts, toggles, length: fresh.text().length };
  }

  it.each(SEEDS)('seed %i: every copy and the stored copy end identical', (seed) => withSeed(seed, runFuzz));
});

/**
 * A y-websocket client reduced to its sync protocol (what WebsocketProvider does with a
 * socket): step 1 on connect, step 2 for the server's step 1, local updates while connected.
 */
class ProtocolClient {
  readonly doc = new Y.Doc();
  pair: TestSocketPair | null = null;

  /** `clientID` orders concurrent inserts, so a replayable run must choose it, not Yjs. */
  constructor(clientID: number) {
    this.doc.clientID = clientID;
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== this) this.pair?.clientSend(encodeSyncUpdate(update));
    });
  }

  get connected(): boolean {
    return this.pair?.isOpen ?? false;
  }

  async connect(registry: RoomRegistry): Promise<void> {
    const pair = new TestSocketPair();
    this.pair = pair;
    pair.connection = await registry.join(ROOM, pair.roomSocket, WRITER);
    pair.clientSend(encodeSyncStep1(Y.encodeStateVector(this.doc)));
  }

  /** Hands the client the next frame the room sent it; false when there was none. */
  receiveOne(): boolean {
    const frame = this.pair?.takeForClient();
    if (frame === undefined) return false;
    const message = decodeMessage(frame);
    if (message.type === 'sync-step-1') {
      this.pair!.clientSend(encodeSyncStep2(Y.encodeStateAsUpdate(this.doc, message.stateVector)));
    } else if (message.type === 'sync-step-2' || message.type === 'sync-update') {
      Y.applyUpdate(this.doc, message.update, this);
    }
    return true;
  }

  text(): string {
    return this.doc.getText('text').toString();
  }
}

describe('convergence fuzz over in-memory sockets, deterministic per seed', () => {
  const IN_MEMORY_SEEDS = process.env.FUZZ_SEED ? SEEDS : Array.from({ length: 24 }, (_, i) => i + 1);
  /** Lets the log's commits and the room's microtasks run; nothing else is pending. */
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  const openRegistry = (storage: Storage) =>
    new RoomRegistry({
      log: storage.log,
      logger: silentLogger(),
      compactAfterUpdates: 7,
      maxDocumentBytes: 1 << 30,
    });

  /** Delivers one queued frame, on a socket and in a direction the PRNG picks; false when none is queued. */
  async function deliverOne(gen: prng.PRNG, clients: ProtocolClient[]): Promise<boolean> {
    const queues = clients.flatMap((client) => {
      const pair = client.pair;
      if (pair === null || !pair.isOpen) return [];
      return [
        ...(pair.toRoom.length > 0 ? [() => pair.deliverToRoom()] : []),
        ...(pair.toClient.length > 0 ? [() => client.receiveOne()] : []),
      ];
    });
    if (queues.length === 0) return false;
    prng.oneOf(gen, queues)();
    await settle();
    return true;
  }

  async function runFuzz(gen: prng.PRNG) {
    const storage = createMemoryStorage();
    let registry = openRegistry(storage);
    const clients = Array.from({ length: CLIENTS }, () => new ProtocolClient(prng.uint32(gen, 1, 2 ** 30)));
    for (const client of clients) await client.connect(registry);
    const counts = { edits: 0, deliveries: 0, toggles: 0, restarts: 0 };

    for (let step = 0; step < STEPS * 2; step++) {
      const roll = prng.int32(gen, 0, 99);
      const client = prng.oneOf(gen, clients);
      if (roll < 40) {
        counts.edits++;
        randomEdit(gen, client.doc);
      } else if (roll < 88) {
        if (await deliverOne(gen, clients)) counts.deliveries++;
      } else if (roll < 98) {
        counts.toggles++;
        if (client.connected) client.pair!.disconnect();
        else await client.connect(registry);
        await settle();
      } else {
        counts.restarts++;
        await registry.closeAll(1012, 'restart');
        registry = openRegistry(storage);
      }
    }

    for (const client of clients) if (!client.connected) await client.connect(registry);
    while (await deliverOne(gen, clients)) counts.deliveries++;
    for (const client of clients) expect(client.pair?.closedByRoom ?? null).toBeNull();
    const expected = Y.encodeStateVector(clients[0]!.doc);
    for (const client of clients) {
      expect(client.text()).toBe(clients[0]!.text());
      expect(Y.encodeStateVector(client.doc)).toEqual(expected);
    }

    // The stored copy: after everyone leaves and the room unloads, a fresh client gets it all.
    for (const client of clients) client.pair!.disconnect();
    await registry.unloadsSettled();
    const fresh = new ProtocolClient(prng.uint32(gen, 1, 2 ** 30));
    await fresh.connect(openRegistry(storage));
    while (await deliverOne(gen, [fresh])) counts.deliveries++;
    expect(fresh.text()).toBe(clients[0]!.text());
    return { ...counts, length: fresh.text().length };
  }

  it.each(IN_MEMORY_SEEDS)('seed %i: every copy and the stored copy end identical', (seed) =>
    withSeed(seed, runFuzz),
  );

  it('replays the same run for the same seed', async () => {
    const transcript = async () => {
      const texts: string[] = [];
      await withSeed(7, async (gen) => {
        const summary = await runFuzz(gen);
        texts.push(JSON.stringify(summary));
      });
      return texts;
    };
    expect(await transcript()).toEqual(await transcript());
  });
});
