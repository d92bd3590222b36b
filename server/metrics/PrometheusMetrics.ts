import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { CloseCode } from '../../shared/closeCodes.ts';
import type { Denial } from '../access/authorize.ts';
import type { ClusterMetrics } from './ClusterMetrics.ts';
import { BucketHistogram } from './BucketHistogram.ts';
import type { ConnectionMetrics } from './ConnectionMetrics.ts';
import type { MessageKind } from './messageKinds.ts';
import type { RoomMetrics, StorageOperation } from './RoomMetrics.ts';
import { Tally } from './Tally.ts';

/** What is read at scrape time rather than counted. */
export interface MetricSources {
  connections(): number;
  documentsLoaded(): number;
  /** With REDIS_URL: whether Redis answers now (the gauge is absent on a lone instance). */
  redisConnected?: () => boolean;
  /** What `/readyz` would answer now: whether this instance can accept and store edits. */
  ready?: () => Promise<boolean>;
}

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const FANOUT_BUCKETS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 10000];
const COMPACTION_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10];

/**
 * Inkwell's metrics in a prom-client Registry of its own (one per server, so that several
 * servers in one process, as in the tests, do not share numbers).
 *
 * The hot path only adds to plain numbers (`Tally`, `BucketHistogram`), which prom-client
 * reads at scrape time; its own `inc` and `observe` hash labels and allocate on every call.
 * Histograms are observed once per update or broadcast, never per socket.
 */
export class PrometheusMetrics implements RoomMetrics, ConnectionMetrics, ClusterMetrics {
  readonly registry = new Registry();
  readonly tally = new Tally();
  readonly commitDuration: BucketHistogram;
  readonly broadcastDelay: BucketHistogram;
  private readonly fanout: BucketHistogram;
  private readonly compactionDuration: BucketHistogram;

  constructor(sources: MetricSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    const { tally } = this;
    new Gauge({
      name: 'inkwell_connections',
      help: 'Sync connections in rooms',
      registers,
      collect() {
        this.set(sources.connections());
      },
    });
    new Gauge({
      name: 'inkwell_documents_loaded',
      help: 'Documents in memory',
      registers,
      collect() {
        this.set(sources.documentsLoaded());
      },
    });
    const { ready } = sources;
    if (ready !== undefined) {
      // The same answer as /readyz, so that "not ready" can be alerted on from the scrape
      // alone (an instance that is up but cannot store edits still answers /metrics).
      new Gauge({
        name: 'inkwell_ready',
        help: '1 while this instance can accept and store edits (as /readyz answers 200), else 0',
        registers,
        async collect() {
          this.set((await ready()) ? 1 : 0);
        },
      });
    }
    const { redisConnected } = sources;
    if (redisConnected !== undefined) {
      new Gauge({
        name: 'inkwell_redis_connected',
        help: '1 while Redis answers, 0 while it is away (edits then cross instances only through the log check)',
        registers,
        collect() {
          this.set(redisConnected() ? 1 : 0);
        },
      });
    }
    tallied(registers, 'inkwell_messages_received_total', 'Messages received by kind', 'kind', () =>
      Object.entries(tally.receivedByKind),
    );
    tallied(registers, 'inkwell_messages_sent_total', 'Messages sent (per socket) by kind', 'kind', () =>
      Object.entries(tally.sentByKind),
    );
    tallied(registers, 'inkwell_received_bytes_total', 'Bytes of frames received', null, () => [
      ['', tally.bytesIn],
    ]);
    tallied(registers, 'inkwell_sent_bytes_total', 'Bytes of frames sent (per socket)', null, () => [
      ['', tally.bytesOut],
    ]);
    tallied(registers, 'inkwell_updates_committed_total', 'Client updates committed', null, () => [
      ['', tally.updatesCommitted],
    ]);
    tallied(
      registers,
      'inkwell_connections_refused_total',
      'Sync sockets refused at admission, by close code',
      'code',
      () => tally.refusedByCode.entries(),
    );
    tallied(
      registers,
      'inkwell_token_failures_total',
      'Sync sockets refused for their token, by reason',
      'reason',
      () => tally.tokenFailures.entries(),
    );
    tallied(
      registers,
      'inkwell_server_closes_total',
      'Sockets the server closed, by close code',
      'code',
      () => tally.closedByCode.entries(),
    );
    tallied(
      registers,
      'inkwell_rate_limited_closes_total',
      'Sockets closed for sending too many messages',
      null,
      () => [['', tally.rateLimited]],
    );
    tallied(
      registers,
      'inkwell_slow_reader_closes_total',
      'Sockets closed for reading too slowly',
      null,
      () => [['', tally.slowReaders]],
    );
    tallied(registers, 'inkwell_compactions_total', 'Compactions, by result', 'result', () => [
      ['ok', tally.compactions],
      ['failed', tally.compactionFailures],
    ]);
    tallied(
      registers,
      'inkwell_storage_errors_total',
      'Failed storage operations, by operation',
      'operation',
      () => tally.storageErrors.entries(),
    );
    const scaleOut: [string, string, () => number][] = [
      [
        'inkwell_cluster_published_total',
        'Messages published to other instances',
        () => tally.clusterPublished,
      ],
      [
        'inkwell_cluster_received_total',
        'Messages received from other instances',
        () => tally.clusterReceived,
      ],
      ['inkwell_gap_repairs_total', 'Reads of missed entries from the log', () => tally.gapRepairs],
      ['inkwell_entries_repaired_total', 'Missed entries applied from the log', () => tally.entriesRepaired],
      ['inkwell_redis_errors_total', 'Failed Redis commands and connection errors', () => tally.redisErrors],
      ['inkwell_redis_reconnects_total', 'Redis subscription reconnects', () => tally.redisReconnects],
    ];
    for (const [name, help, read] of scaleOut) tallied(registers, name, help, null, () => [['', read()]]);
    this.commitDuration = new BucketHistogram({
      name: 'inkwell_commit_duration_seconds',
      help: 'From an update arriving to the log committing it',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.broadcastDelay = new BucketHistogram({
      name: 'inkwell_broadcast_delay_seconds',
      help: 'From an update arriving to its broadcast to the room',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.fanout = new BucketHistogram({
      name: 'inkwell_broadcast_fanout',
      help: 'Sockets each broadcast went to',
      buckets: FANOUT_BUCKETS,
      registers,
    });
    this.compactionDuration = new BucketHistogram({
      name: 'inkwell_compaction_duration_seconds',
      help: 'Duration of compactions',
      buckets: COMPACTION_BUCKETS,
      registers,
    });
  }

  received(kind: MessageKind): void {
    this.tally.receivedByKind[kind]++;
  }

  sent(kind: MessageKind, bytes: number): void {
    this.tally.sentByKind[kind]++;
    this.tally.bytesOut += bytes;
  }

  broadcast(kind: MessageKind, recipients: number, bytes: number): void {
    this.tally.sentByKind[kind] += recipients;
    this.tally.bytesOut += recipients * bytes;
    this.fanout.observe(recipients);
  }

  updateBroadcast(arrivedAt: number, committedAt: number, broadcastAt: number): void {
    this.tally.updatesCommitted++;
    this.commitDuration.observe((committedAt - arrivedAt) / 1000);
    this.broadcastDelay.observe((broadcastAt - arrivedAt) / 1000);
  }

  compaction(durationMs: number, ok: boolean): void {
    if (ok) this.tally.compactions++;
    else this.tally.compactionFailures++;
    this.compactionDuration.observe(durationMs / 1000);
  }

  gapRepaired(entries: number): void {
    this.tally.gapRepairs++;
    this.tally.entriesRepaired += entries;
  }

  published(): void {
    this.tally.clusterPublished++;
  }

  messageReceived(): void {
    this.tally.clusterReceived++;
  }

  redisError(): void {
    this.tally.redisErrors++;
  }

  redisReconnected(): void {
    this.tally.redisReconnects++;
  }

  storageFailed(operation: StorageOperation): void {
    bump(this.tally.storageErrors, operation);
  }

  frameReceived(bytes: number): void {
    this.tally.bytesIn += bytes;
  }

  refused(code: CloseCode, denial: Denial | null): void {
    bump(this.tally.refusedByCode, String(code));
    if (denial !== null) bump(this.tally.tokenFailures, denial);
  }

  closedByServer(code: number): void {
    bump(this.tally.closedByCode, String(code));
  }

  rateLimited(): void {
    this.tally.rateLimited++;
  }

  slowReader(): void {
    this.tally.slowReaders++;
  }

  /** The exposition text and its content type. */
  async scrape(): Promise<{ body: string; contentType: string }> {
    return { body: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}

const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

/**
 * A counter whose values live in the tally: at each scrape it adds what the tally gained
 * since the previous one (prom-client counters can only be incremented).
 */
function tallied(
  registers: Registry[],
  name: string,
  help: string,
  label: string | null,
  read: () => Iterable<readonly [string, number]>,
): void {
  const reported = new Map<string, number>();
  new Counter({
    name,
    help,
    labelNames: label === null ? [] : [label],
    registers,
    collect() {
      for (const [value, total] of read()) {
        const delta = total - (reported.get(value) ?? 0);
        reported.set(value, total);
        if (label === null) this.inc(delta);
        else this.inc({ [label]: value }, delta);
      }
    },
  });
}
