/**
 * The hot path of one room, in one process, with and without metrics, for counting
 * instructions (not timing them) on a busy machine:
 *
 *   valgrind --tool=callgrind --instr-atstart=no --smc-check=all-non-file \
 *     node --predictable --hash-seed=1 --random-seed=1 --import tsx \
 *     bench/metricsCost.ts --metrics on --updates 2000 --callgrind
 *
 * counts only the measured updates (the summary line of callgrind.out.<pid>).
 *
 * One writer's updates (generated before anything is measured, the same bytes every run)
 * reach a room over the memory log, `--per-turn` to an event-loop turn as a hot room receives
 * them, and are broadcast to `--readers` sockets that only count bytes. Every frame is also
 * reported as the transport reports it (`frameReceived`). The instructions one update costs
 * are those counted divided by `--updates`: the `--warmup` updates before them, the same in
 * every run, leave JIT compilation mostly outside the count; V8's `--predictable` (one
 * thread, no timing-driven heuristics) and fixed seeds are meant to make runs repeatable,
 * yet two identical runs differed by 17% (docs/PERFORMANCE.md, "The cost of metrics").
 */
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import * as Y from 'yjs';
import { Role } from '../shared/access.ts';
import { encodeSyncUpdate } from '../shared/protocol.ts';
import { silentLogger } from '../server/logger.ts';
import { NO_CONNECTION_METRICS, type ConnectionMetrics } from '../server/metrics/ConnectionMetrics.ts';
import { PrometheusMetrics } from '../server/metrics/PrometheusMetrics.ts';
import { Room } from '../server/rooms/Room.ts';
import type { RoomSocket } from '../server/rooms/RoomSocket.ts';
import { createMemoryStorage } from '../server/storage/memory/createMemoryStorage.ts';

const { values } = parseArgs({
  options: {
    metrics: { type: 'string', default: 'on' },
    updates: { type: 'string', default: '2000' },
    /** Updates sent before the measured ones, the same in every run (JIT warm-up). */
    warmup: { type: 'string', default: '3000' },
    /** Every run generates this many, so that runs differ only in how many reach the room. */
    generate: { type: 'string', default: '10000' },
    readers: { type: 'string', default: '50' },
    'per-turn': { type: 'string', default: '4' },
    /** Count only the measured updates (after the warm-up) under callgrind. */
    callgrind: { type: 'boolean', default: false },
  },
});
const updates = Number(values.updates);
const readers = Number(values.readers);
const perTurn = Number(values['per-turn']);
const warmup = Number(values.warmup);
const total = warmup + updates;
const generate = Math.max(Number(values.generate), total);

/** A socket that keeps nothing: the cost of sending is the transport's, not the room's. */
class CountingSocket implements RoomSocket {
  bytes = 0;
  send(frame: Uint8Array): void {
    this.bytes += frame.byteLength;
  }
  close(): void {}
}

const writerDoc = new Y.Doc();
// The same bytes in every run (a random client ID changes every update's encoding).
writerDoc.clientID = 1;
const frames: Uint8Array[] = [];
writerDoc.on('update', (update: Uint8Array) => frames.push(encodeSyncUpdate(update)));
for (let n = 0; n < generate; n++) writerDoc.getText('text').insert(n * 6, `s:${n % 1000}.`.padEnd(6));

const prometheus =
  values.metrics === 'on'
    ? new PrometheusMetrics({ connections: () => readers + 1, documentsLoaded: () => 1 })
    : null;
const transport: ConnectionMetrics = prometheus ?? NO_CONNECTION_METRICS;
const room = await Room.load({
  name: 'hot',
  log: createMemoryStorage().log,
  logger: silentLogger(),
  compactAfterUpdates: 1_000_000,
  maxDocumentBytes: 1 << 30,
  metrics: prometheus ?? undefined,
});
const sockets = Array.from({ length: readers }, () => new CountingSocket());
for (const socket of sockets) room.connect(socket, { role: Role.Read });
const writer = room.connect(new CountingSocket(), { role: Role.Write });

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Under `valgrind --tool=callgrind --instr-atstart=no`, switches instruction counting on or
 * off for this process. The event loop keeps turning meanwhile: callgrind reads the command
 * only while the program runs, so a blocking wait would never return.
 */
async function callgrindCounting(on: boolean): Promise<void> {
  if (!values.callgrind) return;
  const child = spawn('callgrind_control', ['-i', on ? 'on' : 'off', String(process.pid)], {
    stdio: 'ignore',
  });
  let exited = false;
  child.once('exit', () => (exited = true));
  // Timers, not setImmediate: far fewer (counted) turns while the command is under way.
  while (!exited) await new Promise((resolve) => setTimeout(resolve, 1));
}

async function send(from: number, to: number): Promise<void> {
  for (let n = from; n < to; n += perTurn) {
    for (const frame of frames.slice(n, Math.min(n + perTurn, to))) {
      transport.frameReceived(frame.byteLength);
      writer.receive(frame);
    }
    await turn();
  }
  await turn();
}

await send(0, warmup);
await callgrindCounting(true);
await send(warmup, total);
await callgrindCounting(false);
const delivered = sockets.reduce((sum, socket) => sum + (socket.bytes > 0 ? 1 : 0), 0);
if (prometheus !== null) await prometheus.scrape();
process.stdout.write(
  `${warmup} + ${updates} updates, ${delivered} readers reached, metrics ${values.metrics}\n`,
);
process.exit(0);
