/**
 * Saved versions of documents: full snapshots (gc'd Yjs updates), each with when it was
 * taken, why (kind), its name, who it credits and its size. Kept beside the log and
 * catalogue; the log never depends on them.
 *
 * Every implementation passes `tests/unit/storage/docVersionsContract.ts`.
 */
import type { VersionKind } from '../../shared/api.ts';

/** A version's description, without its bytes (what a history list shows). */
export interface VersionInfo {
  id: string;
  /** Milliseconds since the epoch, from the storage's clock. */
  createdAt: number;
  kind: VersionKind;
  name: string | null;
  /** Names of the people whose edits it covers since the previous version. */
  authors: string[];
  /** Size of `update`. */
  bytes: number;
}

/** A version with its state. */
export interface StoredVersion extends VersionInfo {
  /** The document's full state: `Y.encodeStateAsUpdate` of it. */
  update: Uint8Array;
}

/** What a new version holds. */
export interface NewVersion {
  kind: VersionKind;
  name: string | null;
  authors: readonly string[];
  update: Uint8Array;
}

export interface DocVersions {
  /** Stores a version of `doc`, timed by the storage's clock, and describes it. */
  add(doc: string, version: NewVersion): Promise<VersionInfo>;

  /** The versions of `doc`, newest first (then the most recently added first). */
  list(doc: string): Promise<VersionInfo[]>;

  /** One version of `doc` with its state, or null (unknown id, or another document's). */
  get(doc: string, id: string): Promise<StoredVersion | null>;

  /** The newest version of `doc` with its state, or null when it has none. */
  latest(doc: string): Promise<StoredVersion | null>;

  /** Deletes these versions of `doc` (ids of other documents are left alone); resolves with how many. */
  remove(doc: string, ids: readonly string[]): Promise<number>;

  /** Deletes every version of `doc` (a purge); resolves with how many. */
  removeDocument(doc: string): Promise<number>;
}

/**
 * Version ids are decimal numbers the storage assigns; anything else names no version (and
 * must never reach a query that would cast it).
 */
export const isVersionId = (id: string): boolean => /^[1-9][0-9]{0,14}$/.test(id);
