import type { Logger } from '../logger.ts';
import type { DocVersions } from '../storage/DocVersions.ts';
import { thinVersions } from './retention.ts';
import type { VersionTimers } from './VersionTimers.ts';

export interface RetentionSweepOptions {
  versions: DocVersions;
  /** The names of the documents whose versions are thinned (every stored document). */
  documents(): Promise<readonly string[]>;
  timers: VersionTimers;
  logger: Logger;
  intervalMs: number;
}

/**
 * Thins every document's automatic versions every `intervalMs` (retention.ts). A document
 * is also thinned whenever it takes a version, but one nobody edits takes none, and without
 * this sweep its versions of a busy day would be kept one a minute forever. One sweep at a
 * time on this instance (the next is armed when one ends); several instances sweeping the
 * same storage at once is safe (`thinVersions`).
 */
export class RetentionSweep {
  private timer: unknown = null;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: RetentionSweepOptions) {}

  /** Sweeps once `intervalMs` from now, and every `intervalMs` after each sweep, until `stop`. */
  start(): void {
    this.stopped = false;
    this.arm();
  }

  /** Stops sweeping; resolves once a sweep in progress has ended (the storage may then close). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) this.options.timers.clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Resolves once the sweep in progress, if any, has ended. */
  async settled(): Promise<void> {
    await this.running;
  }

  /** Thins every document's versions now; resolves with how many versions were removed. */
  async sweep(): Promise<number> {
    const { versions, documents, timers } = this.options;
    let removed = 0;
    for (const doc of await documents()) {
      if (this.stopped) break;
      removed += await thinVersions(versions, doc, timers.now());
    }
    return removed;
  }

  private arm(): void {
    const { timers, logger, intervalMs } = this.options;
    this.timer = timers.setTimeout(() => {
      this.timer = null;
      this.running = this.sweep().then(
        (removed) => {
          if (removed > 0) logger.info({ removed }, 'thinned automatic versions');
        },
        (error: unknown) => logger.error({ err: error }, 'could not thin automatic versions'),
      );
      void this.running.then(() => {
        if (!this.stopped) this.arm();
      });
    }, intervalMs);
  }
}
