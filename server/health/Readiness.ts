import type { DocCatalogue } from '../storage/DocCatalogue.ts';
import type { StorageHealth } from '../storage/Storage.ts';
import type { DocLog } from '../storage/DocLog.ts';

/** Why the server cannot take edits right now (the body of a 503 from `/readyz`). */
export const NotReadyReason = {
  ShuttingDown: 'shutting-down',
  StorageFailing: 'storage-failing',
  RedisUnreachable: 'redis-unreachable',
} as const;
export type NotReadyReason = (typeof NotReadyReason)[keyof typeof NotReadyReason];

export type ReadinessState = { ready: true } | { ready: false; reason: NotReadyReason; detail: string };

/** A storage probe slower than this counts as failing: edits would pile up behind it. */
const PROBE_TIMEOUT_MS = 2000;

/**
 * A failed write makes the instance unready for this long unless a write succeeds sooner:
 * long enough for a load balancer to notice, short enough that an instance nobody writes to
 * any more (because it is unready) comes back by itself once its storage does.
 */
const WRITE_FAILURE_HOLD_MS = 30_000;

/** Never a valid document name (docName rules), so the probe never meets a real document. */
const PROBE_NAME = '\u0000readyz';

interface ReadinessDeps {
  isShuttingDown(): boolean;
  catalogue: Pick<DocCatalogue, 'info'>;
  /** A networked store's own probe (PostgreSQL); without it, a catalogue read is the probe. */
  probe?: () => Promise<StorageHealth>;
  /** With several instances: null while Redis answers, else why not. */
  redisUnreachable?: () => string | null;
}

/**
 * Answers "can this instance accept and store edits?" for `/readyz`: not while shutting
 * down; not while its last write failed (disk full, database gone) until one succeeds; not
 * when a read of the catalogue fails or hangs. Liveness (`/healthz`) is a different question.
 */
export class Readiness {
  /** The last failed write, or null when the last write succeeded. */
  private writeFailure: { message: string; at: number } | null = null;

  constructor(private readonly deps: ReadinessDeps) {}

  /**
   * The log, watched: each append's outcome updates readiness. The outcome is observed on
   * a side chain, so the callers' own reactions keep their order (group commits rely on it).
   */
  watch(log: DocLog): DocLog {
    const record = (promise: Promise<unknown>) => {
      promise.then(
        () => {
          this.writeFailure = null;
        },
        (error: unknown) => {
          const message = error instanceof Error ? error.message : String(error);
          this.writeFailure = { message, at: Date.now() };
        },
      );
    };
    return {
      load: (name) => log.load(name),
      append: (name, update) => {
        const appended = log.append(name, update);
        record(appended);
        return appended;
      },
      compact: (name, snapshot, stateVector, throughSeq) => {
        const compacted = log.compact(name, snapshot, stateVector, throughSeq);
        record(compacted);
        return compacted;
      },
      readAfter: (name, afterSeq) => log.readAfter(name, afterSeq),
      lastSeqs: (names) => log.lastSeqs(names),
      flush: () => log.flush(),
    };
  }

  async check(): Promise<ReadinessState> {
    if (this.deps.isShuttingDown()) {
      return { ready: false, reason: NotReadyReason.ShuttingDown, detail: 'the server is shutting down' };
    }
    const failure = this.writeFailure;
    if (failure !== null && Date.now() - failure.at < WRITE_FAILURE_HOLD_MS) {
      return {
        ready: false,
        reason: NotReadyReason.StorageFailing,
        detail: `last write failed: ${failure.message}`,
      };
    }
    // Edits still reach the database, but other instances' clients would see them only
    // through the slower log check: better that new clients go to an instance that has Redis.
    const redis = this.deps.redisUnreachable?.() ?? null;
    if (redis !== null) return { ready: false, reason: NotReadyReason.RedisUnreachable, detail: redis };
    const probe = this.deps.probe
      ? await this.deps.probe().then((health) => (health.ok ? null : health.reason))
      : await probeStorage(this.deps.catalogue);
    return probe === null
      ? { ready: true }
      : { ready: false, reason: NotReadyReason.StorageFailing, detail: probe };
  }
}

/** Null when a catalogue read answers in time; otherwise what went wrong. */
async function probeStorage(catalogue: Pick<DocCatalogue, 'info'>): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(
      () => resolve(`storage did not answer within ${PROBE_TIMEOUT_MS} ms`),
      PROBE_TIMEOUT_MS,
    );
  });
  const read = catalogue.info(PROBE_NAME).then(
    () => null,
    (error: unknown) => `storage read failed: ${error instanceof Error ? error.message : String(error)}`,
  );
  try {
    return await Promise.race([read, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
