/**
 * One document exactly as a backend stores it: listing, snapshot and log entries with their
 * sequence numbers. What `npm run migrate` reads from one backend and writes to another.
 */
export interface DocumentExport {
  name: string;
  title: string | null;
  createdAt: number;
  updatedAt: number;
  /** The last sequence number given out (numbering continues after it). */
  lastSeq: number;
  snapshot: { data: Uint8Array; stateVector: Uint8Array | null; throughSeq: number } | null;
  /** Log entries after the snapshot, oldest first. */
  entries: { seq: number; data: Uint8Array }[];
}
