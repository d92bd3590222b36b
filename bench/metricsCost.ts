/**
 * The hot path of one room, in one process, with and without metrics, for counting
 * instructions (not timing them) on a busy machine:
 *
 *   valgrind --tool=cachegrind --cache-sim=no --smc-check=all-non-file \
 *     node --import tsx bench/metricsCost.ts --metrics on --updates 4000 --readers 50
 *
 * One writer's updates (generated before anything is measured, the same bytes every run)
 * reach a room over the memory log, `--per-turn` to an event-loop turn as a hot room receives
 * them, and are broadcast to `--readers` sockets that only count bytes. Every frame is also
 * reported as the transport reports it (`frameReceived`). The instructions one update costs
 * are the difference between two runs with different `--updates`, divided by the difference
 * (docs/PERFORMANCE.md, "Metrics").
 */
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
    /** Every run generates this many, so that runs differ only in how many reach the room. */
    generate: { type: 'string', default: '8000' },
    readers: { type: 'string', default: '50' },
    'per-turn': { type: 'string', default: '4' },
  },
});
const updates = Number(values.updates);
const readers = Number(values.readers);
const perTurn = Number(values['per-turn']);
const generate = Math.max(Number(values.generate), updates);

/** A socket that keeps nothing: the cost of sending is the transport's, not the room's. */
class CountingSocket implements RoomSocket {
  bytes = 0;
  send(frame: Uint8Array): void {
    this.bytes += frame.byteLength;
  }
  close(): void {}
}

const writerDoc = new Y.Doc();
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
for (let n = 0; n < updates; n += perTurn) {
  for (const frame of frames.slice(n, Math.min(n + perTurn, updates))) {
    transport.frameReceived(frame.byteLength);
    writer.receive(frame);
  }
  await turn();
}
await turn();
const delivered = sockets.reduce((sum, socket) => sum + (socket.bytes > 0 ? 1 : 0), 0);
if (prometheus !== null) await prometheus.scrape();
process.stdout.write(`${updates} updates, ${delivered} readers reached, metrics ${values.metrics}\n`);
process.exit(0);
