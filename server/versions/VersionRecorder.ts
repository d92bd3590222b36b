import * as Y from 'yjs';
import { VersionKind } from '../../shared/api.ts';
import type { Logger } from '../logger.ts';
import type { RoomObserver } from '../rooms/RoomObserver.ts';
import type { DocVersions, StoredVersion, VersionInfo } from '../storage/DocVersions.ts';
import { thinVersions } from './retention.ts';
import type { VersionTimers } from './VersionTimers.ts';

export interface VersionRecorderOptions {
  versions: DocVersions;
  timers: VersionTimers;
  logger: Logger;
  /** Quiet time after the last commit before an automatic version is taken. */
  quietMs: number;
  /** Longest time edits go unversioned while editing continues. */
  maxIntervalMs: number;
  /** False: only named and restore versions are taken. */
  automatic: boolean;
}

/** The state (state vector and delete set) a version holds, to tell identical states apart cheaply. */
function snapshotOfUpdate(update: Uint8Array): Y.Snapshot {
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, update);
    return Y.snapshot(doc);
  } finally {
    doc.destroy();
  }
}

/**
 * One room's version history as it is written: automatic versions once a burst of editing
 * goes quiet (and at most every `maxIntervalMs` while it goes on), named and pre-restore
 * versions on request, each crediting the people whose edits were committed since the
 * previous one. Only this instance's commits reach it (scale-out: the instance that committed
 * the updates records them). Versions are taken one at a time, in order.
 */
export class VersionRecorder implements RoomObserver {
  private doc: Y.Doc | null = null;
  /** Commits since the last version. */
  private dirty = false;
  private readonly authors = new Set<string>();
  /** When the last commit was applied (by the injected clock). */
  private lastCommitAt = 0;
  private quietTimer: unknown = null;
  private maxTimer: unknown = null;
  /** The chain versions are taken on: one at a time, in order. */
  private queue: Promise<unknown> = Promise.resolve();
  /** The newest stored version's id and state, once read (another instance may add one). */
  private newest: { id: string; snapshot: Y.Snapshot } | null = null;

  constructor(
    private readonly name: string,
    private readonly options: VersionRecorderOptions,
  ) {}

  loaded(doc: Y.Doc): void {
    this.doc = doc;
  }

  committed(doc: Y.Doc, authors: ReadonlySet<string>): void {
    this.doc = doc;
    // Credited by the next version, automatic or not.
    for (const author of authors) this.authors.add(author);
    if (!this.options.automatic) return;
    this.dirty = true;
    const { timers, quietMs, maxIntervalMs } = this.options;
    this.lastCommitAt = timers.now();
    // One quiet timer per burst, not one per commit: a hot room commits hundreds of times a
    // second, and the timer checks on firing whether the room has really been quiet.
    if (this.quietTimer === null) this.armQuietTimer(quietMs);
    this.maxTimer ??= timers.setTimeout(() => void this.takeAutomatic(), maxIntervalMs);
  }

  /** Takes what is pending now: the room is unloading, so this burst of editing is over. */
  async flush(): Promise<void> {
    await this.takeAutomatic();
  }

  /** Resolves once the versions being taken are stored. */
  async settled(): Promise<void> {
    await this.queue;
  }

  destroyed(): void {
    this.stopTimers();
    this.doc = null;
  }

  /**
   * Saves the current state as a named or pre-restore version (always, even when it equals
   * the previous one: someone asked for it), crediting the authors since the previous one.
   */
  save(kind: typeof VersionKind.Named | typeof VersionKind.Restore, name: string): Promise<VersionInfo> {
    const doc = this.doc;
    if (doc === null) return Promise.reject(new Error(`the room of "${this.name}" is gone`));
    return this.enqueue(() => this.record(doc, kind, name, { skipIdentical: false })) as Promise<VersionInfo>;
  }

  /** Fires after `ms`: takes a version if nothing was committed for the quiet time, else waits on. */
  private armQuietTimer(ms: number): void {
    const { timers, quietMs } = this.options;
    this.quietTimer = timers.setTimeout(() => {
      this.quietTimer = null;
      const quietFor = timers.now() - this.lastCommitAt;
      if (quietFor >= quietMs) void this.takeAutomatic();
      else this.armQuietTimer(quietMs - quietFor);
    }, ms);
  }

  /** Takes an automatic version of what was committed since the last one, unless it changed nothing. */
  private takeAutomatic(): Promise<unknown> {
    this.stopTimers();
    const doc = this.doc;
    if (!this.dirty || doc === null) return this.queue;
    return this.enqueue(() => this.record(doc, VersionKind.Auto, null, { skipIdentical: true })).catch(
      (error: unknown) =>
        this.options.logger.error({ err: error, doc: this.name }, 'could not save an automatic version'),
    );
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => {});
    return run;
  }

  private async record(
    doc: Y.Doc,
    kind: VersionKind,
    name: string | null,
    { skipIdentical }: { skipIdentical: boolean },
  ): Promise<VersionInfo | null> {
    const { versions, timers } = this.options;
    // Encoded now, so the version holds exactly what was committed up to this point.
    const update = Y.encodeStateAsUpdate(doc);
    const snapshot = Y.snapshot(doc);
    const authors = [...this.authors].sort();
    this.authors.clear();
    this.dirty = false;
    if (skipIdentical && (await this.isNewestState(snapshot))) return null;
    const added = await versions.add(this.name, { kind, name, authors, update });
    this.newest = { id: added.id, snapshot };
    await thinVersions(versions, this.name, timers.now());
    return added;
  }

  /** Whether the newest stored version holds exactly this state. */
  private async isNewestState(snapshot: Y.Snapshot): Promise<boolean> {
    const stored: StoredVersion | null = await this.options.versions.latest(this.name);
    if (stored === null) return false;
    if (this.newest?.id !== stored.id)
      this.newest = { id: stored.id, snapshot: snapshotOfUpdate(stored.update) };
    return Y.equalSnapshots(this.newest.snapshot, snapshot);
  }

  private stopTimers(): void {
    const { timers } = this.options;
    if (this.quietTimer !== null) timers.clearTimeout(this.quietTimer);
    if (this.maxTimer !== null) timers.clearTimeout(this.maxTimer);
    this.quietTimer = null;
    this.maxTimer = null;
  }
}
