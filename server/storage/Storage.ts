import type { BlobStore } from './BlobStore.ts';
import type { DocCatalogue } from './DocCatalogue.ts';
import type { DocLog } from './DocLog.ts';
import type { DocVersions } from './DocVersions.ts';
import type { PendingBackfills } from './PendingBackfills.ts';

/** Milliseconds since the epoch; injected so that tests control time. */
export type Clock = () => number;

/** Whether the backend can serve requests now, and if not, why (for `/readyz`). */
export type StorageHealth = { ok: true } | { ok: false; reason: string };

/**
 * One storage backend: its update log and its document catalogue, which share a database
 * (creating a document writes both; the catalogue's sizes and times come from the log).
 */
export interface Storage {
  readonly log: DocLog;
  readonly catalogue: DocCatalogue;
  /** Saved versions of the documents (version history). */
  readonly versions: DocVersions;
  /**
   * Asks a networked backend whether it answers. Absent for embedded ones (memory, SQLite),
   * which are ready whenever the process is.
   */
  probe?(): Promise<StorageHealth>;
  /** Uploaded images, beside the documents that show them. */
  readonly blobs: BlobStore;
  /** Data backfills the schema migrations asked for and the server has not yet run. */
  readonly backfills: PendingBackfills;
  /** Commits what is pending and releases the backend; later calls reject. */
  close(): Promise<void>;
}
