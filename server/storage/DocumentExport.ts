import type { StoredBlob } from './BlobStore.ts';
import type { VersionInfo } from './DocVersions.ts';

/**
 * One document exactly as a backend stores it: listing, snapshot, log entries with their
 * sequence numbers, its saved versions and its images. What `npm run migrate` reads from one backend and writes to another.
 */
export interface DocumentExport {
  name: string;
  title: string | null;
  createdAt: number;
  updatedAt: number;
  /** When it was moved to the trash; null when it is not there. */
  deletedAt: number | null;
  /** The last sequence number given out (numbering continues after it). */
  lastSeq: number;
  snapshot: { data: Uint8Array; stateVector: Uint8Array | null; throughSeq: number } | null;
  /** Log entries after the snapshot, oldest first. */
  entries: { seq: number; data: Uint8Array }[];
  /** Its version history, oldest first, each with the time it was taken. */
  versions: ExportedVersion[];
  /** The uploaded images the document references, by hash. */
  images: { hash: string; blob: StoredBlob }[];
}

/** One saved version as stored (see DocVersions), without the id the backend gave it. */
export interface ExportedVersion extends Omit<VersionInfo, 'id'> {
  /**
   * Reads the document's full state then. Read one at a time, while the document is being
   * copied: a long history of a large document can be more than memory holds at once.
   */
  readState(): Uint8Array;
}
