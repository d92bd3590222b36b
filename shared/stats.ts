/**
 * One second of the server's activity, as the `/api/admin/stats` event stream sends it to
 * the `/admin` dashboard. Rates are per second over the last sample; latencies in ms.
 */
export interface StatsSample {
  /** Milliseconds since the epoch; also the event's `id` (monotonic across restarts). */
  at: number;
  connections: number;
  documentsLoaded: number;
  /** Client updates committed per second. */
  updatesPerSecond: number;
  /** Frames written to sockets per second (one broadcast to 10 sockets is 10). */
  deliveriesPerSecond: number;
  /** Percentiles over the last second; null when nothing was committed. */
  commitMs: Percentiles | null;
  broadcastMs: Percentiles | null;
  /** Event-loop delay over the last second. */
  eventLoopLagMs: Percentiles;
  memory: { rssBytes: number; heapUsedBytes: number };
  /** Refused sync sockets since the server started, by reason (close code name). */
  refused: Record<string, number>;
  /** The busiest documents right now, busiest first. */
  documents: DocumentActivity[];
  /**
   * Every live instance sharing this one's Redis, this one included, ordered by id; just this
   * one without Redis. A row is live while its instance keeps publishing (INSTANCE_ROW_TTL_MS).
   */
  instances: InstanceRow[];
}

/** One instance's second, as it publishes it to the others for their dashboards. */
export interface InstanceRow {
  /** INSTANCE_ID. */
  id: string;
  /** When the instance took the sample (its clock). */
  at: number;
  connections: number;
  documentsLoaded: number;
  updatesPerSecond: number;
  deliveriesPerSecond: number;
  /** Commit p99 over the last second; null when nothing was committed. */
  commitP99Ms: number | null;
  eventLoopLagP99Ms: number;
  rssBytes: number;
  /** What its `/readyz` would answer. */
  ready: boolean;
}

/** A row not renewed for this long belongs to an instance that stopped or lost Redis. */
export const INSTANCE_ROW_TTL_MS = 3500;

export interface Percentiles {
  p50: number;
  p99: number;
}

export interface DocumentActivity {
  name: string;
  title: string | null;
  connections: number;
  messagesPerSecond: number;
  /** Stored bytes (snapshot plus log). */
  bytes: number;
}

/** The event name of a sample in the stream. */
export const STATS_EVENT = 'stats';

/** Where the dashboard's stream is served. */
export const STATS_PATH = '/api/admin/stats';
