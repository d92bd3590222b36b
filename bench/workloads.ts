/**
 * The workloads, each run against a freshly started server. Every function returns plain
 * numbers; `run.ts` compares them across servers.
 */
import * as Y from 'yjs';
import { loadEditingTrace, traceToUpdates } from './editingTrace.ts';
import { deploy, redisPerUpdate, type ClusterKind } from './deployments.ts';
import { RunningServer, type ProcessStats, type ServerKind } from './servers.ts';
import {
  LoadClient,
  SequenceWriter,
  forEachSequence,
  lostEdits,
  openInBatches,
  typeUntilStopped,
  type UpdateKind,
} from './wire.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How long delivery may lag behind the last send before the rest counts as lost. */
const DRAIN_MS = 5_000;

export interface StreamingSpec {
  rooms: number;
  readersPerRoom: number;
  /** Per writer (one writer per room). */
  updatesPerSecond: number;
  seconds: number;
}

export interface StreamingResult {
  connections: number;
  expected: number;
  delivered: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  serverCpuSeconds: number;
  cpuMicrosPerDelivered: number;
  peakRssMb: number;
  /** Sockets the server closed during the run. */
  closed: number;
  /** Redis calls per accepted update (NaN without Redis), and the busiest commands. */
  redisCommandsPerUpdate: number;
  redisPublishesPerUpdate: number;
  redisTop: string;
  /** How many runs these numbers summarise (medians), and the spread of the key two. */
  runs: number;
  p99RangeMs: string;
  cpuRangeMicros: string;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const range = (values: number[]) => `${Math.min(...values)}–${Math.max(...values)}`;

/** Per-field medians of repeated runs; delivery counts from the worst run. */
export function medianOfRuns(runs: StreamingResult[]): StreamingResult {
  const worst = runs.reduce((a, b) => (b.delivered / b.expected < a.delivered / a.expected ? b : a));
  const of = (field: keyof StreamingResult) => round(median(runs.map((r) => r[field] as number)));
  return {
    connections: worst.connections,
    expected: worst.expected,
    delivered: worst.delivered,
    p50Ms: of('p50Ms'),
    p99Ms: of('p99Ms'),
    maxMs: of('maxMs'),
    serverCpuSeconds: of('serverCpuSeconds'),
    cpuMicrosPerDelivered: of('cpuMicrosPerDelivered'),
    peakRssMb: of('peakRssMb'),
    closed: Math.max(...runs.map((r) => r.closed)),
    redisCommandsPerUpdate: of('redisCommandsPerUpdate'),
    redisPublishesPerUpdate: of('redisPublishesPerUpdate'),
    redisTop: worst.redisTop,
    runs: runs.length,
    p99RangeMs: range(runs.map((r) => r.p99Ms)),
    cpuRangeMicros: range(runs.map((r) => r.cpuMicrosPerDelivered)),
  };
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

function cpuDelta(before: ProcessStats, after: ProcessStats): number {
  return after.cpuSeconds - before.cpuSeconds;
}

const round = (value: number, digits = 2) => +value.toFixed(digits);
const megabytes = (bytes: number) => round(bytes / 2 ** 20, 1);

/**
 * Each writer sends `count` updates at `updatesPerSecond`: writer i its k-th at
 * (k + i / writers) / rate seconds, steady and staggered so that rooms do not all fire in the
 * same millisecond. Sequence numbers run from `base` up (`base + k * writers + i`); `stamp`
 * is called with each just before it is written.
 */
export function sendSteadily(
  writers: SequenceWriter[],
  updatesPerSecond: number,
  count: number,
  base: number,
  stamp: (seq: number) => void,
): Promise<void> {
  const periodMs = 1000 / updatesPerSecond;
  return new Promise<void>((resolve) => {
    const sent = new Int32Array(writers.length);
    const started = performance.now();
    const timer = setInterval(() => {
      const elapsed = performance.now() - started;
      let done = true;
      for (let i = 0; i < writers.length; i++) {
        const due = Math.min(count, Math.floor(elapsed / periodMs - i / writers.length) + 1);
        while (sent[i]! < due) {
          const seq = base + sent[i]! * writers.length + i;
          stamp(seq);
          writers[i]!.write(seq);
          sent[i]!++;
        }
        if (sent[i]! < count) done = false;
      }
      if (done) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
}

/**
 * Writers append sequence-marked text at a steady rate (after a one-second warm-up); every
 * reader in the room records each marker's delay since it was written. Latency is measured in the load generator's
 * clock (one process), CPU from the server's /proc entry over the sending and draining.
 * On a cluster, each room's writer is on the first instance and its readers alternate over
 * all of them; CPU is summed over the instances and Redis calls are counted over the phase.
 */
export async function streaming(
  kind: ServerKind | ClusterKind,
  spec: StreamingSpec,
): Promise<StreamingResult> {
  const server = await deploy(kind);
  try {
    const perWriter = spec.updatesPerSecond * spec.seconds;
    const totalUpdates = perWriter * spec.rooms;
    const expected = totalUpdates * spec.readersPerRoom;
    const sentAt = new Float64Array(totalUpdates);
    const latencies = new Float64Array(expected);
    let delivered = 0;
    const onUpdate = (update: Uint8Array) => {
      const now = performance.now();
      forEachSequence(update, (seq) => {
        if (seq < totalUpdates && delivered < expected) latencies[delivered++] = now - sentAt[seq]!;
      });
    };
    const room = (i: number) => `room-${i}`;
    const readers = await openInBatches(
      spec.rooms * spec.readersPerRoom,
      (i) =>
        new LoadClient({
          flavor: kind.flavor,
          url: server.urlFor(room(i % spec.rooms), Math.floor(i / spec.rooms)),
          doc: room(i % spec.rooms),
          onUpdate,
        }),
      (client) => client.synced,
    );
    const writers = await openInBatches(
      spec.rooms,
      (i) => new SequenceWriter({ flavor: kind.flavor, url: server.urlFor(room(i), 0), doc: room(i) }),
      (writer) => writer.client.synced,
    );
    await sleep(500);

    // The warm-up's sequence numbers start at `totalUpdates`: readers ignore them.
    const stamp = (seq: number) => {
      if (seq < totalUpdates) sentAt[seq] = performance.now();
    };
    const send = (count: number, base: number) =>
      sendSteadily(writers, spec.updatesPerSecond, count, base, stamp);
    // One second at the same rate first, so that JIT compilation is not measured as latency.
    await send(spec.updatesPerSecond, totalUpdates);
    await sleep(200);
    const before = server.stats();
    const redisBefore = await server.redisCommands();
    await send(perWriter, 0);
    const drainDeadline = performance.now() + DRAIN_MS;
    while (delivered < expected && performance.now() < drainDeadline) await sleep(20);
    const after = server.stats();
    const redis = redisPerUpdate(redisBefore, await server.redisCommands(), totalUpdates);

    const all = [...readers, ...writers.map((w) => w.client)];
    const closed = all.filter((c) => c.closeCode !== null).length;
    for (const client of all) client.close();
    const sorted = latencies.slice(0, delivered).sort();
    const cpu = cpuDelta(before, after);
    const p99Ms = round(percentile(sorted, 99));
    const cpuMicrosPerDelivered = round((cpu * 1e6) / Math.max(1, delivered));
    return {
      connections: all.length,
      expected,
      delivered,
      p50Ms: round(percentile(sorted, 50)),
      p99Ms,
      maxMs: round(sorted[sorted.length - 1] ?? NaN),
      serverCpuSeconds: round(cpu),
      cpuMicrosPerDelivered,
      peakRssMb: megabytes(after.peakRssBytes),
      closed,
      redisCommandsPerUpdate: redis?.commandsPerUpdate ?? NaN,
      redisPublishesPerUpdate: redis?.publishesPerUpdate ?? NaN,
      redisTop: redis?.top ?? '',
      runs: 1,
      p99RangeMs: `${p99Ms}`,
      cpuRangeMicros: `${cpuMicrosPerDelivered}`,
    };
  } finally {
    await server.stop();
  }
}

/** A client that keeps a full copy of `doc`, every received update applied. */
function copyOf(
  server: RunningServer,
  doc: string,
  onUpdate?: (update: Uint8Array, kind: UpdateKind) => void,
): { client: LoadClient; ydoc: Y.Doc } {
  const ydoc = new Y.Doc();
  const client = new LoadClient({
    flavor: server.kind.flavor,
    url: server.documentUrl(doc),
    doc,
    ydoc,
    applyUpdates: true,
    onUpdate,
  });
  return { client, ydoc };
}

/** Waits until a fresh client's view of `doc` contains `marker` (the server has it all). */
async function waitForContent(server: RunningServer, doc: string, marker: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const { client, ydoc } = copyOf(server, doc);
    await client.synced;
    await sleep(100);
    client.close();
    if (ydoc.getText('text').toString().includes(marker)) return;
  }
  throw new Error(`${server.kind.name} never showed ${marker} in ${doc}`);
}

export interface ConnectStormSpec {
  documents: number;
  clients: number;
  updatesPerDocument: number;
}

export interface ConnectStormResult {
  documentBytes: number;
  /** From the first connect to the last client's complete first sync. */
  allSyncedMs: number;
  p50Ms: number;
  p99Ms: number;
  /** Clients whose first sync held the whole stored document. */
  complete: number;
  clients: number;
  serverCpuSeconds: number;
  peakRssMb: number;
}

/**
 * Stores `documents` documents, restarts the server (so they are cold), then opens every
 * client at once and times each until its first sync.
 */
export async function connectStorm(kind: ServerKind, spec: ConnectStormSpec): Promise<ConnectStormResult> {
  const seeding = await RunningServer.start(kind);
  const doc = (i: number) => `stored-${i}`;
  const filler = 'The quick brown fox jumps over the lazy dog while the editor keeps every word. '.repeat(1);
  let documentBytes = 0;
  await openInBatches(
    spec.documents,
    (i) => new SequenceWriter({ flavor: kind.flavor, url: seeding.documentUrl(doc(i)), doc: doc(i) }),
    async (writer) => {
      await writer.client.synced;
      for (let k = 0; k < spec.updatesPerDocument; k++) writer.write(k, filler);
      documentBytes = Buffer.byteLength(writer.content);
      writer.client.close();
    },
    25,
  );
  const lastMarker = `seq:${spec.updatesPerDocument - 1}.`;
  for (let i = 0; i < spec.documents; i++) await waitForContent(seeding, doc(i), lastMarker);
  await seeding.stop();

  const server = await RunningServer.start(kind, seeding.dataDir);
  try {
    await sleep(500);
    const before = server.stats();
    const times: number[] = [];
    let complete = 0;
    const started = performance.now();
    const clients = Array.from({ length: spec.clients }, (_, i) => {
      const name = doc(i % spec.documents);
      let holdsAll = false;
      const client = new LoadClient({
        flavor: kind.flavor,
        url: server.documentUrl(name),
        doc: name,
        onUpdate: (update, kind) => {
          if (kind !== 'step-2') return;
          forEachSequence(update, (seq) => {
            if (seq === spec.updatesPerDocument - 1) holdsAll = true;
          });
          times.push(performance.now() - started);
          if (holdsAll) complete++;
        },
      });
      return client;
    });
    const outcome = await Promise.race([
      Promise.allSettled(clients.map((c) => c.synced)),
      sleep(60_000).then(() => null),
    ]);
    const allSyncedMs = performance.now() - started;
    const after = server.stats();
    for (const client of clients) client.close();
    const sorted = Float64Array.from(times).sort();
    return {
      documentBytes,
      allSyncedMs: outcome && times.length === spec.clients ? round(allSyncedMs, 0) : NaN,
      p50Ms: round(percentile(sorted, 50), 0),
      p99Ms: round(percentile(sorted, 99), 0),
      complete,
      clients: spec.clients,
      serverCpuSeconds: round(cpuDelta(before, after)),
      peakRssMb: megabytes(after.peakRssBytes),
    };
  } finally {
    await server.stop();
    server.removeData();
  }
}

export interface SyncTiming {
  /** Connect → the server's step 2. */
  ms: number;
  bytes: number;
  /** Whether that step 2 alone held the whole document. */
  whole: boolean;
  /** Connect → the client holds the whole document (later updates included); NaN if never within 10 s. */
  wholeMs: number;
}

async function timeFirstSync(server: RunningServer, doc: string, content: string): Promise<SyncTiming> {
  const started = performance.now();
  let bytes = 0;
  const { client, ydoc } = copyOf(server, doc, (update, kind) => {
    if (kind === 'step-2' && bytes === 0) bytes = update.byteLength;
  });
  const text = ydoc.getText('text');
  let wholeMs = NaN;
  const gotWhole = new Promise<void>((resolve) => {
    text.observe(() => {
      if (!Number.isNaN(wholeMs) || text.length !== content.length || text.toString() !== content) return;
      wholeMs = performance.now() - started;
      resolve();
    });
  });
  await client.synced;
  const ms = client.syncedAt - started;
  const whole = text.toString() === content;
  await Promise.race([gotWhole, sleep(10_000)]);
  client.close();
  return { ms: round(ms, 1), bytes, whole, wholeMs: round(wholeMs, 1) };
}

export interface ColdLoadResult {
  trace: string;
  updates: number;
  ingestUpdatesPerSecond: number;
  firstSync: SyncTiming;
  secondSync: SyncTiming;
  peakRssMb: number;
}

/**
 * The editing trace sent as one update per keystroke, a clean restart, then the very first
 * connection to the restarted process and a second one. Flow control: at most WINDOW
 * updates beyond what an observer has received. The observer counts by the writer's clock in
 * its own copy, because servers may merge the updates of one event-loop turn into one message.
 */
export async function coldLoad(kind: ServerKind): Promise<ColdLoadResult> {
  const WINDOW = 1000;
  const trace = loadEditingTrace();
  const { updates, clientId, clocks } = traceToUpdates(trace);
  const doc = 'paper';
  const first = await RunningServer.start(kind);
  let ingestSeconds: number;
  try {
    let acknowledged = 0;
    let wake: () => void = () => {};
    const { client: observer, ydoc: copy } = copyOf(first, doc, () => {
      const clock = Y.getState(copy.store, clientId);
      while (acknowledged < updates.length && clocks[acknowledged]! <= clock) acknowledged++;
      wake();
    });
    const writer = new LoadClient({ flavor: kind.flavor, url: first.documentUrl(doc), doc });
    await Promise.all([observer.synced, writer.synced]);
    const alive = setInterval(() => observer.queryAwareness(), 10_000);
    const started = performance.now();
    let sent = 0;
    const text = copy.getText('text');
    while (text.length !== trace.endContent.length || text.toString() !== trace.endContent) {
      while (sent < updates.length && sent - acknowledged < WINDOW) writer.sendUpdate(updates[sent++]!);
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 1000);
      });
      if (writer.closeCode !== null) throw new Error(`${kind.name} closed the writer (${writer.closeCode})`);
      if (observer.closeCode !== null)
        throw new Error(`${kind.name} closed the observer (${observer.closeCode})`);
    }
    ingestSeconds = (performance.now() - started) / 1000;
    clearInterval(alive);
    writer.close();
    observer.close();
    // An operator restarts a server that has finished its work: let background writes settle.
    await first.waitUntilIdle();
  } finally {
    await first.stop();
  }
  const second = await RunningServer.start(kind, first.dataDir);
  try {
    const firstSync = await timeFirstSync(second, doc, trace.endContent);
    const secondSync = await timeFirstSync(second, doc, trace.endContent);
    return {
      trace: trace.source,
      updates: updates.length,
      ingestUpdatesPerSecond: Math.round(updates.length / ingestSeconds),
      firstSync,
      secondSync,
      peakRssMb: megabytes(second.stats().peakRssBytes),
    };
  } finally {
    await second.stop();
    second.removeData();
  }
}

export interface DurabilityResult {
  /** Edits some client received from the server before the kill. */
  broadcast: number;
  /** Of those, missing from the document after the restart. */
  lost: number;
}

/**
 * A writer types 50 edits a second; an observer notes each one the server broadcasts.
 * After `seconds`, mid-typing, SIGKILL; then restart and check which broadcast edits the
 * document still has.
 */
export async function durability(kind: ServerKind, seconds = 3): Promise<DurabilityResult> {
  const doc = 'crash';
  const server = await RunningServer.start(kind);
  const seen = new Set<number>();
  const observer = new LoadClient({
    flavor: kind.flavor,
    url: server.documentUrl(doc),
    doc,
    onUpdate: (update) => forEachSequence(update, (seq) => seen.add(seq)),
  });
  const writer = new SequenceWriter({ flavor: kind.flavor, url: server.documentUrl(doc), doc });
  await Promise.all([observer.synced, writer.client.synced]);
  const typing = typeUntilStopped(writer);
  await sleep(seconds * 1000);
  await server.kill();
  const broadcast = new Set(seen);
  await typing.stop();
  writer.client.close();
  observer.close();

  const restarted = await RunningServer.start(kind, server.dataDir);
  try {
    const { client: checker, ydoc } = copyOf(restarted, doc);
    await checker.synced;
    await sleep(1_000); // the reference server applies its stored state after the first sync
    checker.close();
    return { broadcast: broadcast.size, lost: lostEdits(broadcast, ydoc.getText('text').toString()) };
  } finally {
    await restarted.stop();
    restarted.removeData();
  }
}

/**
 * Opens `connections` editor-like clients over `documents` documents, each synced and with
 * its presence announced, and leaves them idle.
 */
export function openIdleClients(
  server: RunningServer,
  connections: number,
  documents: number,
): Promise<LoadClient[]> {
  const doc = (i: number) => `idle-${i % documents}`;
  return openInBatches(
    connections,
    (i) =>
      new LoadClient({
        flavor: server.kind.flavor,
        url: server.documentUrl(doc(i)),
        doc: doc(i),
        awarenessClientId: i + 1,
      }),
    (client) => client.synced,
    500,
  );
}

export interface IdleResult {
  connections: number;
  documents: number;
  baselineRssMb: number;
  rssMb: number;
  kbPerConnection: number;
}

/** Opens idle editor-like connections (synced, presence announced) and reads server memory. */
export async function idle(kind: ServerKind, connections: number, documents: number): Promise<IdleResult> {
  const server = await RunningServer.start(kind);
  try {
    await sleep(1_000);
    const baseline = server.stats().rssBytes;
    const clients = await openIdleClients(server, connections, documents);
    // Idle long enough for V8's memory reducer to run: young-generation garbage from the
    // connecting burst is not per-connection memory.
    await sleep(10_000);
    const rss = server.stats().rssBytes;
    const closed = clients.filter((c) => c.closeCode !== null).length;
    for (const client of clients) client.close();
    if (closed > 0) throw new Error(`${kind.name} closed ${closed} idle connections`);
    return {
      connections,
      documents,
      baselineRssMb: megabytes(baseline),
      rssMb: megabytes(rss),
      kbPerConnection: round((rss - baseline) / 1024 / connections, 1),
    };
  } finally {
    await server.stop();
    server.removeData();
  }
}
