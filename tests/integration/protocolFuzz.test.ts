import * as prng from 'lib0/prng';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  encodeAwareness,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeSyncUpdate,
} from '../../shared/protocol.ts';
import { connectClient, waitForConvergence } from '../helpers/clients.ts';
import { openRawSocket } from '../helpers/rawSocket.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * Bounded protocol fuzz: hostile sockets send random and mutated frames (from documents of
 * their own) while honest clients edit. Afterwards the server is alive, every honest copy
 * and the stored copy agree, and every room has left memory. FUZZ_SEED reruns one case.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 7);
const HOSTILE_SOCKETS = 40;
const FRAMES_PER_SOCKET = 25;
const ROOMS = ['target', 'side-a', 'side-b'];

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({
    maxMessageBytes: 64 * 1024,
    maxMessagesPerSecond: 1000,
    maxMessageBurst: 1000,
  });
});

afterAll(() => server.close());

function hostileFrame(gen: prng.PRNG, doc: Y.Doc): Uint8Array {
  doc.getText(prng.oneOf(gen, ['text', 'x'])).insert(0, prng.word(gen, 1, 20));
  const update = Y.encodeStateAsUpdate(doc);
  const valid = prng.oneOf(gen, [
    encodeSyncUpdate(update),
    encodeSyncStep2(update),
    encodeSyncStep1(Y.encodeStateVector(doc)),
    encodeAwareness(Uint8Array.of(1, ...prng.uint8Array(gen, 8))),
  ]);
  switch (prng.int32(gen, 0, 5)) {
    case 0:
      return prng.uint8Array(gen, prng.int32(gen, 0, 300));
    case 1: {
      const flipped = valid.slice();
      for (let i = 0; i < prng.int32(gen, 1, 4); i++)
        flipped[prng.int32(gen, 0, flipped.length - 1)] = prng.int32(gen, 0, 255);
      return flipped;
    }
    case 2:
      return valid.slice(0, prng.int32(gen, 0, valid.length - 1));
    case 3:
      return Uint8Array.from([...valid, ...prng.uint8Array(gen, prng.int32(gen, 1, 10))]);
    case 4:
      return Uint8Array.of(
        0,
        prng.int32(gen, 0, 3),
        0xff,
        0xff,
        0xff,
        0xff,
        0x0f,
        ...prng.uint8Array(gen, 5),
      );
    default:
      return valid;
  }
}

describe('protocol fuzz', () => {
  it(`seed ${SEED}: hostile frames never crash the server or split honest clients`, async () => {
    const gen = prng.create(SEED);
    const honest = [connectClient(server.syncUrl, 'target'), connectClient(server.syncUrl, 'target')];
    await Promise.all(honest.map((c) => c.firstSync));
    let closedByServer = 0;

    try {
      for (let wave = 0; wave < HOSTILE_SOCKETS / 10; wave++) {
        await Promise.all(
          Array.from({ length: 10 }, async () => {
            const socket = openRawSocket(`${server.syncUrl}/${prng.oneOf(gen, ROOMS)}`);
            await socket.opened;
            const doc = new Y.Doc();
            const frames = Array.from({ length: FRAMES_PER_SOCKET }, () => hostileFrame(gen, doc));
            for (const frame of frames) socket.ws.send(frame);
            socket.ws.close();
            const { code } = await socket.closed;
            if (code !== 1000 && code !== 1005) closedByServer++;
          }),
        );
        const writer = prng.oneOf(gen, honest);
        writer.doc.getText('text').insert(0, `wave ${wave}. `);
      }

      expect(closedByServer).toBeGreaterThan(HOSTILE_SOCKETS / 2);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      await waitForConvergence(honest);
      const fresh = connectClient(server.syncUrl, 'target');
      await fresh.firstSync;
      expect(fresh.text()).toBe(honest[0]!.text());
      for (let wave = 0; wave < HOSTILE_SOCKETS / 10; wave++)
        expect(fresh.text()).toContain(`wave ${wave}. `);
      fresh.destroy();
    } catch (error) {
      throw new Error(`protocol fuzz failed; rerun with FUZZ_SEED=${SEED}\n${String(error)}`, {
        cause: error,
      });
    } finally {
      for (const c of honest) c.destroy();
    }
    // Nothing is left behind: every room unloads once its sockets are gone.
    await waitFor(() => server.registry.loadedCount === 0, 'every room to unload');
  });
});
