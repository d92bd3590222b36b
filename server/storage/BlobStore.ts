/**
 * Content-addressed bytes (images) stored beside the documents, with which documents
 * reference each blob, so that purging a document frees the blobs no other document uses.
 *
 * Every implementation passes `tests/unit/storage/blobStoreContract.ts`.
 */

/** A stored blob: its bytes and the media type decided from them when it was uploaded. */
export interface StoredBlob {
  bytes: Uint8Array;
  type: string;
}

export interface BlobStore {
  /**
   * Stores `bytes` under `hash` (the caller's sha-256 of them, hex) unless already there, and
   * records that `doc` references it. Idempotent.
   */
  put(doc: string, hash: string, blob: StoredBlob): Promise<void>;

  /** The blob, or null when none is stored under that hash. */
  get(hash: string): Promise<StoredBlob | null>;

  /** Whether a blob is stored under that hash. */
  has(hash: string): Promise<boolean>;

  /** Makes `to` reference every blob `from` references (a duplicated document). */
  copyReferences(from: string, to: string): Promise<void>;

  /**
   * Drops every reference of `doc` and deletes the blobs no document references any more;
   * resolves with how many blobs were deleted.
   */
  releaseDocument(doc: string): Promise<number>;
}
