/**
 * Content-addressed bytes (images) stored beside the documents, with which documents
 * reference each blob, so that purging a document frees the blobs no other document uses.
 * A document references a blob from its upload (`put`) and from every committed content that
 * shows it (`addReferences`: pasted from another document, written by any client, imported);
 * references are dropped only when the document is purged, so its versions keep their images.
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

  /**
   * Records that `doc` references each of `hashes` that is stored; hashes of no stored blob
   * are ignored (the document shows a broken image, or one of another server). Idempotent.
   */
  addReferences(doc: string, hashes: readonly string[]): Promise<void>;

  /**
   * Drops every reference of `doc` and deletes the blobs no document references any more;
   * resolves with how many blobs were deleted.
   */
  releaseDocument(doc: string): Promise<number>;
}
