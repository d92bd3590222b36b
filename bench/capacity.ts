/**
 * The headline capacity of one instance: many connected clients over many documents, a
 * share of them typing, for a soak long enough to see memory settle (or not).
 */
import fs from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import { deploy } from './deployments.ts';
import { LatencyHistogram } from './latencyHistogram.ts';
import type { ServerKind } from './servers.ts';
import { LoadClient, SequenceWriter, forEachSequence, openInBatches } from './wire.ts';
import { sendSteadily } from './workloads.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (value: number, digits = 2) => +value.toFixed(digits);
const MiB = 2 ** 20;
/**
 * Typists write paragraphs of this many edits (about 450 characters), as in the editor: a soak
 * of one endless run would measure Yjs re-encoding the run at every keystroke (see
 * SequenceWriterOptions), a cost that grows with the run and that no real document has.
 */
const PARAGRAPH_UPDATES = 50;
/** One line of progress and one memory sample per window. */
const WINDOW_SECONDS = 10;

export interface CapacitySpec {
  documents: number;
  /** Connected clients in all, typists included. */
  clients: number;
  /** At most one per document (typist i on document i); each types `updatesPerSecond`. */
  typists: number;
  updatesPerSecond: number;
  minutes: number;
}

export interface CapacityResult {
  clients: number;
  documents: number;
  typists: number;
  minutes: number;
  /** Deliveries counted after warm-up, against those expected. */
  delivered: number;
  expected: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Server CPU after warm-up, in cores (1 = one core busy), and the load generator's. */
  serverCores: number;
  loadGeneratorCores: number;
  rssStartMb: number;
  rssEndMb: number;
  /** Least-squares slope of the server's RSS after warm-up. */
  rssSlopeMbPerMinute: number;
  /**
   * The server's live heap after its first and last full collections after warm-up, and the
   * slope over all of them: the memory measure that garbage does not blur (bench/fullGcHeap.ts).
   */
  liveHeapStartMb: number;
  liveHeapEndMb: number;
  liveHeapSlopeMbPerMinute: number;
  /**
   * The load generator's own garbage-collection pauses after warm-up, as a share of the time
   * and the longest: a delivery that arrives during one is timed late by it, so these say how
   * much of the measured delay is the measurement's.
   */
  loadGeneratorGcPercent: number;
  loadGeneratorGcMaxMs: number;
  closed: number;
}

/** This process's soft limit on open files (`ulimit -n`), from /proc. */
function openFileLimit(): number {
  const limits = fs.readFileSync('/proc/self/limits', 'utf8');
  const soft = /^Max open files\s+(\d+|unlimited)/m.exec(limits)?.[1];
  return soft === undefined || soft === 'unlimited' ? Infinity : Number(soft);
}

/** Least-squares slope of y over x. */
function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxy = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return sxx === 0 ? NaN : sxy / sxx;
}

/**
 * Opens `clients` readers and typists over `documents` (typist i on document i, the readers
 * spread evenly), then types for `minutes`: each reader and typist records the delay of every
 * marker it receives. The first fifth of the soak (at most a minute) is warm-up: its
 * deliveries, CPU and memory are left out of the results.
 */
export async function capacity(kind: ServerKind, spec: CapacitySpec): Promise<CapacityResult> {
  // The load generator holds every client socket itself (the server as many again).
  const limit = openFileLimit();
  if (limit < spec.clients + 1000) {
    throw new Error(`${spec.clients} clients need more open files than ulimit -n ${limit}: raise it first`);
  }
  const server = await deploy(kind, { traceGc: true });
  try {
    const doc = (i: number) => `capacity-${i % spec.documents}`;
    const seconds = Math.round(spec.minutes * 60);
    const perTypist = spec.updatesPerSecond * seconds;
    const totalUpdates = perTypist * spec.typists;
    const sentAt = new Float64Array(totalUpdates);
    const warmupSeconds = Math.min(60, seconds / 5);
    // The first sequence number sent after warm-up: later ones are measured.
    const measuredFrom = Math.ceil(warmupSeconds * spec.updatesPerSecond) * spec.typists;
    let window = new LatencyHistogram();
    const overall = new LatencyHistogram();
    const onUpdate = (update: Uint8Array) => {
      const now = performance.now();
      forEachSequence(update, (seq) => {
        if (seq >= totalUpdates) return;
        const ms = now - sentAt[seq]!;
        window.record(ms);
        if (seq >= measuredFrom) overall.record(ms);
      });
    };
    const readerCount = spec.clients - spec.typists;
    const readers = await openInBatches(
      readerCount,
      (i) => new LoadClient({ flavor: kind.flavor, url: server.urlFor(doc(i), i), doc: doc(i), onUpdate }),
      (client) => client.synced,
      500,
    );
    const typists = await openInBatches(
      spec.typists,
      (i) =>
        new SequenceWriter(
          { flavor: kind.flavor, url: server.urlFor(doc(i), 0), doc: doc(i) },
          { paragraphUpdates: PARAGRAPH_UPDATES },
        ),
      (writer) => writer.client.synced,
      500,
    );
    console.log(`  capacity: ${readers.length + typists.length} clients connected; typing for ${seconds} s`);

    const samples: { minute: number; rssMb: number }[] = [];
    const started = performance.now();
    const loadGeneratorGc = { windowMs: 0, measuredMs: 0, maxMs: 0 };
    const gcObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        loadGeneratorGc.windowMs += entry.duration;
        if ((entry.startTime - started) / 1000 < warmupSeconds) continue;
        loadGeneratorGc.measuredMs += entry.duration;
        loadGeneratorGc.maxMs = Math.max(loadGeneratorGc.maxMs, entry.duration);
      }
    });
    gcObserver.observe({ entryTypes: ['gc'] });
    let measuredCpu = { server: 0, generator: 0, since: 0 };
    let previous = { server: server.stats().cpuSeconds, generator: process.cpuUsage(), at: started };
    const monitor = setInterval(() => {
      const now = performance.now();
      const stats = server.stats();
      const generator = process.cpuUsage(previous.generator);
      const elapsed = (now - previous.at) / 1000;
      const serverCores = (stats.cpuSeconds - previous.server) / elapsed;
      const generatorCores = (generator.user + generator.system) / 1e6 / elapsed;
      const minute = (now - started) / 60_000;
      if (minute * 60 >= warmupSeconds) {
        samples.push({ minute, rssMb: stats.rssBytes / MiB });
        measuredCpu = {
          server: measuredCpu.server + (stats.cpuSeconds - previous.server),
          generator: measuredCpu.generator + (generator.user + generator.system) / 1e6,
          since: measuredCpu.since + elapsed,
        };
      }
      console.log(
        `  ${minute.toFixed(1)} min: p99 ${window.percentile(99)} ms over ${window.count} deliveries, ` +
          `server ${serverCores.toFixed(2)} cores, load generator ${generatorCores.toFixed(2)} cores, ` +
          `rss ${(stats.rssBytes / MiB).toFixed(0)} MiB, load generator in GC ${loadGeneratorGc.windowMs.toFixed(0)} ms`,
      );
      window = new LatencyHistogram();
      loadGeneratorGc.windowMs = 0;
      previous = { server: stats.cpuSeconds, generator: process.cpuUsage(), at: now };
    }, WINDOW_SECONDS * 1000);
    await sendSteadily(typists, spec.updatesPerSecond, perTypist, 0, (seq) => {
      sentAt[seq] = performance.now();
    });
    // Each measured update is delivered to its document's readers (typists' echoes are not timed).
    const perDocument = (i: number) =>
      Math.floor(readerCount / spec.documents) + (i % spec.documents < readerCount % spec.documents ? 1 : 0);
    let expected = 0;
    for (let i = 0; i < spec.typists; i++)
      expected += perDocument(i) * (perTypist - measuredFrom / spec.typists);
    const drainDeadline = performance.now() + 5_000;
    while (overall.count < expected && performance.now() < drainDeadline) await sleep(20);
    clearInterval(monitor);
    gcObserver.disconnect();
    const soakEnded = performance.now();
    const liveHeap = server.instances[0]!.fullGcHeap!.samples().filter(
      (sample) => (sample.at - started) / 1000 >= warmupSeconds,
    );
    const all = [...readers, ...typists.map((t) => t.client)];
    const closed = all.filter((c) => c.closeCode !== null).length;
    for (const client of all) client.close();
    return {
      clients: all.length,
      documents: spec.documents,
      typists: spec.typists,
      minutes: spec.minutes,
      delivered: overall.count,
      expected,
      p50Ms: overall.percentile(50),
      p99Ms: overall.percentile(99),
      maxMs: round(overall.maxMs),
      serverCores: round(measuredCpu.server / Math.max(1e-9, measuredCpu.since)),
      loadGeneratorCores: round(measuredCpu.generator / Math.max(1e-9, measuredCpu.since)),
      rssStartMb: round(samples[0]?.rssMb ?? NaN, 1),
      rssEndMb: round(samples.at(-1)?.rssMb ?? NaN, 1),
      rssSlopeMbPerMinute: round(slope(samples.map((s) => ({ x: s.minute, y: s.rssMb })))),
      liveHeapStartMb: liveHeap[0]?.liveMb ?? NaN,
      liveHeapEndMb: liveHeap.at(-1)?.liveMb ?? NaN,
      liveHeapSlopeMbPerMinute: round(
        slope(liveHeap.map((sample) => ({ x: (sample.at - started) / 60_000, y: sample.liveMb }))),
      ),
      loadGeneratorGcPercent: round(
        (100 * loadGeneratorGc.measuredMs) / Math.max(1, soakEnded - started - warmupSeconds * 1000),
        1,
      ),
      loadGeneratorGcMaxMs: round(loadGeneratorGc.maxMs, 1),
      closed,
    };
  } finally {
    await server.stop();
  }
}
