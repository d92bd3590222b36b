import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { CloseCode } from '../../shared/closeCodes.ts';
import type { DocumentActivity, InstanceRow, StatsSample } from '../../shared/stats.ts';
import { InstanceRoster, type FleetChannel } from '../fleet/FleetChannel.ts';
import type { ReadinessState } from '../health/Readiness.ts';
import type { Room } from '../rooms/Room.ts';
import type { DocCatalogue } from '../storage/DocCatalogue.ts';
import { BucketDelta } from './bucketPercentiles.ts';
import type { PrometheusMetrics } from './PrometheusMetrics.ts';

const SAMPLE_MS = 1000;
/** Samples kept for reconnecting dashboards (Last-Event-ID): five minutes. */
const HISTORY = 300;
/** Rows of the busiest-documents table. */
const TOP_DOCUMENTS = 10;

interface Rooms {
  readonly connectionCount: number;
  readonly loadedCount: number;
  rooms(): IterableIterator<Room>;
}

/** This instance among others: its name, its readiness, and how rows travel between them. */
export interface FleetMembership {
  instanceId: string;
  readiness: { check(): Promise<ReadinessState> };
  /** Null for a single instance: its dashboard shows only its own row. */
  channel: FleetChannel | null;
}

const CLOSE_CODE_NAMES = new Map<string, string>(
  Object.entries(CloseCode).map(([name, code]) => [String(code), name]),
);

/**
 * Samples the server once a second for the dashboard's event stream, only while someone
 * watches (no timer, no event-loop monitor otherwise). Keeps the last minutes so that a
 * dashboard that reconnects with Last-Event-ID gets what it missed.
 *
 * Among several instances it samples all the time, since a dashboard on any of them shows
 * every instance's row: each second it publishes its own row on the fleet channel (cheap:
 * no per-document figures, which are computed only while someone here watches).
 */
export class StatsSampler {
  private readonly history: StatsSample[] = [];
  private readonly listeners = new Set<(sample: StatsSample) => void>();
  private timer: NodeJS.Timeout | null = null;
  private loop: IntervalHistogram | null = null;
  private readonly commit: BucketDelta;
  private readonly broadcast: BucketDelta;
  private last = { at: 0, updates: 0, deliveries: 0 };
  private lastReceived = new WeakMap<Room, number>();
  private readonly roster = new InstanceRoster();
  private sampling = false;

  constructor(
    private readonly metrics: PrometheusMetrics,
    private readonly rooms: Rooms,
    private readonly catalogue: Pick<DocCatalogue, 'info'>,
    private readonly fleet: FleetMembership,
  ) {
    this.commit = new BucketDelta(metrics.commitDuration);
    this.broadcast = new BucketDelta(metrics.broadcastDelay);
    if (fleet.channel !== null) {
      fleet.channel.onRow((row) => this.roster.record(row));
      this.start();
    }
  }

  /** Samples newer than `afterId` still in memory, oldest first. */
  since(afterId: number): StatsSample[] {
    return this.history.filter((sample) => sample.at > afterId);
  }

  /** Calls `listener` with each new sample until the returned function is called. */
  subscribe(listener: (sample: StatsSample) => void): () => void {
    // Message rates of documents are counted from the first watched sample on.
    if (this.listeners.size === 0) this.lastReceived = new WeakMap();
    this.listeners.add(listener);
    if (this.timer === null) this.start();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.fleet.channel === null) this.stop();
    };
  }

  /** Stops sampling (the server is closing). */
  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.loop?.disable();
    this.loop = null;
  }

  private start(): void {
    this.loop = monitorEventLoopDelay({ resolution: 10 });
    this.loop.enable();
    this.timer = setInterval(() => {
      // A sample waits for the readiness probe, which a failing database can hold for
      // seconds: skip ticks meanwhile rather than run samples over each other.
      if (this.sampling) return;
      this.sampling = true;
      this.sample()
        // A sample that failed (a catalogue read, the probe) is only a missing second.
        .catch(() => {})
        .finally(() => {
          this.sampling = false;
        });
    }, SAMPLE_MS);
    this.timer.unref();
  }

  private async sample(): Promise<void> {
    const { tally } = this.metrics;
    const at = Date.now();
    const deliveries = Object.values(tally.sentByKind).reduce((sum, n) => sum + n, 0);
    const seconds = this.last.at === 0 ? SAMPLE_MS / 1000 : (at - this.last.at) / 1000;
    const rate = (now: number, before: number) => (this.last.at === 0 ? 0 : (now - before) / seconds);
    const loop = this.loop;
    // Both read every second, watched or not, so each covers exactly the last second.
    const commitMs = this.commit.next(1000);
    const broadcastMs = this.broadcast.next(1000);
    const eventLoopLagMs = {
      p50: loop === null ? 0 : loop.percentile(50) / 1e6,
      p99: loop === null ? 0 : loop.percentile(99) / 1e6,
    };
    loop?.reset();
    const row: InstanceRow = {
      id: this.fleet.instanceId,
      at,
      connections: this.rooms.connectionCount,
      documentsLoaded: this.rooms.loadedCount,
      updatesPerSecond: rate(tally.updatesCommitted, this.last.updates),
      deliveriesPerSecond: rate(deliveries, this.last.deliveries),
      commitP99Ms: commitMs?.p99 ?? null,
      eventLoopLagP99Ms: eventLoopLagMs.p99,
      rssBytes: process.memoryUsage.rss(),
      ready: (await this.fleet.readiness.check()).ready,
    };
    this.last = { at, updates: tally.updatesCommitted, deliveries };
    this.fleet.channel?.publish(row);
    if (this.listeners.size === 0) return;

    const sample: StatsSample = {
      at,
      connections: row.connections,
      documentsLoaded: row.documentsLoaded,
      updatesPerSecond: row.updatesPerSecond,
      deliveriesPerSecond: row.deliveriesPerSecond,
      commitMs,
      broadcastMs,
      eventLoopLagMs,
      memory: { rssBytes: row.rssBytes, heapUsedBytes: process.memoryUsage().heapUsed },
      refused: Object.fromEntries(
        [...tally.refusedByCode].map(([code, n]) => [CLOSE_CODE_NAMES.get(code) ?? code, n]),
      ),
      documents: await this.busiest(seconds),
      instances: this.roster.live(row),
    };
    this.history.push(sample);
    if (this.history.length > HISTORY) this.history.shift();
    for (const listener of this.listeners) listener(sample);
  }

  private async busiest(seconds: number): Promise<DocumentActivity[]> {
    const rows: { room: Room; messagesPerSecond: number }[] = [];
    for (const room of this.rooms.rooms()) {
      const before = this.lastReceived.get(room) ?? room.receivedCount;
      this.lastReceived.set(room, room.receivedCount);
      rows.push({ room, messagesPerSecond: (room.receivedCount - before) / seconds });
    }
    rows.sort(
      (a, b) => b.messagesPerSecond - a.messagesPerSecond || b.room.connectionCount - a.room.connectionCount,
    );
    return Promise.all(
      rows.slice(0, TOP_DOCUMENTS).map(async ({ room, messagesPerSecond }) => {
        const info = await this.catalogue.info(room.name).catch(() => null);
        return {
          name: room.name,
          title: info?.title ?? null,
          connections: room.connectionCount,
          messagesPerSecond,
          bytes: info?.bytes ?? 0,
        };
      }),
    );
  }
}
