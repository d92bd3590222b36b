import * as Y from 'yjs';
import { VersionKind } from '../../shared/api.ts';
import { restoreVersion } from '../../shared/restoreVersion.ts';
import type { Logger } from '../logger.ts';
import type { RoomObserverFactory } from '../rooms/RoomObserver.ts';
import type { DocVersions, StoredVersion, VersionInfo } from '../storage/DocVersions.ts';
import { VersionRecorder } from './VersionRecorder.ts';
import type { VersionTimers } from './VersionTimers.ts';

/** What versioning needs of a loaded room. */
export interface VersionedRoom {
  materialize(): void;
  state(): Uint8Array;
  commitUpdate(update: Uint8Array): Promise<void>;
}

/** The rooms in memory, as far as versioning needs them (RoomRegistry). */
export interface VersionedRooms {
  withRoom<T>(name: string, work: (room: VersionedRoom) => Promise<T>): Promise<T>;
}

export interface VersioningOptions {
  versions: DocVersions;
  rooms: VersionedRooms;
  timers: VersionTimers;
  logger: Logger;
  quietMs: number;
  maxIntervalMs: number;
  /** False: no automatic versions (named and restore versions still work). */
  automatic: boolean;
}

/** The name of the version saved just before restoring `version`. */
function beforeRestoring(version: VersionInfo): string {
  const which =
    version.name === null
      ? `the version of ${new Date(version.createdAt).toISOString()}`
      : `"${version.name}"`;
  return `Before restoring ${which}`;
}

/**
 * The change that turns a document in state `current` into `version`'s content, as one Yjs
 * update, or null when it already holds it. Made in a scratch copy: the room's own Y.Doc
 * receives it only once the log has it (store first, then apply).
 */
export function restoreChange(current: Uint8Array, version: Uint8Array): Uint8Array | null {
  const scratch = new Y.Doc();
  try {
    Y.applyUpdate(scratch, current);
    let change: Uint8Array | null = null;
    scratch.on('update', (update: Uint8Array) => {
      change = update;
    });
    restoreVersion(scratch, version);
    return change;
  } finally {
    scratch.destroy();
  }
}

/**
 * Version history on the server: a `VersionRecorder` per loaded room (automatic versions
 * and the authors since the last version), named and pre-restore versions, and restores
 * committed through the room like any edit.
 */
export class Versioning {
  private readonly recorders = new Map<string, VersionRecorder>();

  constructor(private readonly options: VersioningOptions) {}

  /** Follows every room: register it with the room registry's observers. */
  readonly observer: RoomObserverFactory = (name) => {
    const { versions, timers, logger, quietMs, maxIntervalMs, automatic } = this.options;
    const recorder = new VersionRecorder(name, {
      versions,
      timers,
      logger,
      quietMs,
      maxIntervalMs,
      automatic,
    });
    this.recorders.set(name, recorder);
    return {
      loaded: (doc) => recorder.loaded(doc),
      committed: (doc, authors) => recorder.committed(doc, authors),
      flush: () => recorder.flush(),
      destroyed: () => {
        recorder.destroyed();
        if (this.recorders.get(name) === recorder) this.recorders.delete(name);
      },
    };
  };

  /** A document's versions, newest first. */
  list(doc: string): Promise<VersionInfo[]> {
    return this.options.versions.list(doc);
  }

  /** One version with its state, or null. */
  get(doc: string, id: string): Promise<StoredVersion | null> {
    return this.options.versions.get(doc, id);
  }

  /** Saves the document's current state as a version named `name`. */
  saveNamed(doc: string, name: string): Promise<VersionInfo> {
    return this.save(doc, VersionKind.Named, name);
  }

  /** Saves the current state as the version kept before `restoring` is restored (by the editor). */
  savePreRestore(doc: string, restoring: VersionInfo): Promise<VersionInfo> {
    return this.save(doc, VersionKind.Restore, beforeRestoring(restoring));
  }

  /**
   * Restores `version`: saves the current state as a restore version, then commits the
   * change back to the old content through the room, so every connected client receives it
   * as an ordinary edit. Resolves with the saved version.
   */
  restore(doc: string, version: StoredVersion): Promise<VersionInfo> {
    return this.options.rooms.withRoom(doc, async (room) => {
      room.materialize();
      const saved = await this.recorderOf(doc).save(VersionKind.Restore, beforeRestoring(version));
      const change = restoreChange(room.state(), version.update);
      if (change !== null) await room.commitUpdate(change);
      return saved;
    });
  }

  private save(doc: string, kind: typeof VersionKind.Named | typeof VersionKind.Restore, name: string) {
    return this.options.rooms.withRoom(doc, async (room) => {
      room.materialize();
      return this.recorderOf(doc).save(kind, name);
    });
  }

  private recorderOf(doc: string): VersionRecorder {
    const recorder = this.recorders.get(doc);
    if (recorder === undefined)
      throw new Error(`no version recorder for "${doc}"; is the observer registered?`);
    return recorder;
  }
}
