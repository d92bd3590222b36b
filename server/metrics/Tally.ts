import { zeroPerKind, type PerKind } from './messageKinds.ts';

/**
 * The server's counters as plain numbers: what the hot path touches. Prometheus counters
 * and the dashboard's stats both read from here.
 */
export class Tally {
  readonly receivedByKind: PerKind = zeroPerKind();
  readonly sentByKind: PerKind = zeroPerKind();
  bytesIn = 0;
  bytesOut = 0;
  updatesCommitted = 0;
  rateLimited = 0;
  slowReaders = 0;
  compactions = 0;
  compactionFailures = 0;
  /** Scale-out: messages to and from other instances, gaps read back from the log, Redis trouble. */
  clusterPublished = 0;
  clusterReceived = 0;
  gapRepairs = 0;
  entriesRepaired = 0;
  redisErrors = 0;
  redisReconnects = 0;
  /** Keyed by close code; a handful of values (shared/closeCodes.ts). */
  readonly refusedByCode = new Map<string, number>();
  readonly closedByCode = new Map<string, number>();
  /** Keyed by denial (missing-token, invalid-token, forbidden). */
  readonly tokenFailures = new Map<string, number>();
  readonly storageErrors = new Map<string, number>();
}
