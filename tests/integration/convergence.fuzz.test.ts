import * as prng from 'lib0/prng';
import { afterEach, describe, expect, it } from 'vitest';
import { connectClient, waitForConvergence, type TestClient } from '../helpers/clients.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * Seeded convergence fuzz: several stock clients make random edits while they randomly
 * disconnect, reconnect and the server restarts. Every copy, and the stored copy, must end
 * identical. Rerun one failing case with FUZZ_SEED=<seed> npm test.
 */
const SEEDS = process.env.FUZZ_SEED ? [Number(process.env.FUZZ_SEED)] : [1, 2, 3, 4];
const CLIENTS = 4;
const STEPS = 160;
const ROOM = 'fuzz';

let server: TestServer | null = null;
let clients: TestClient[] = [];

afterEach(async () => {
  for (const c of clients) c.destroy();
  clients = [];
  await server?.close();
  server = null;
});

function randomEdit(gen: prng.PRNG, client: TestClient): void {
  const text = client.doc.getText('text');
  if (text.length > 0 && prng.int32(gen, 0, 3) === 0) {
    const index = prng.int32(gen, 0, text.length - 1);
    text.delete(index, Math.min(prng.int32(gen, 1, 4), text.length - index));
  } else {
    text.insert(prng.int32(gen, 0, text.length), prng.word(gen, 1, 6));
  }
}

async function runFuzz(seed: number): Promise<{ restarts: number; toggles: number; length: number }> {
  const gen = prng.create(seed);
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
      for (let i = 0; i < burst; i++) randomEdit(gen, client);
    } else if (roll < 85) {
      toggles++;
      if (client.provider.shouldConnect) client.provider.disconnect();
      else void client.provider.connect();
    } else if (step === forcedRestartStep || (roll < 88 && restarts < 3)) {
      restarts++;
      await server.close();
      server = await startTestServer({ port, dataDir, compactAfterUpdates: 25 });
    } else {
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

describe('convergence fuzz', () => {
  it.each(SEEDS)('seed %i: every copy and the stored copy end identical', async (seed) => {
    try {
      const summary = await runFuzz(seed);
      if (process.env.FUZZ_SEED) console.log(`seed ${seed}:`, summary);
    } catch (error) {
      throw new Error(`convergence fuzz failed; rerun with FUZZ_SEED=${seed}\n${String(error)}`, {
        cause: error,
      });
    }
  });
});
