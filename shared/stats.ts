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
}

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
