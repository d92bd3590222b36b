import type { BlobStore, StoredBlob } from '../BlobStore.ts';

/** `BlobStore` in process memory. Bytes are copied in and out. */
export class MemoryBlobStore implements BlobStore {
  private readonly blobs = new Map<string, StoredBlob>();
  /** Document name → hashes it references. */
  private readonly references = new Map<string, Set<string>>();

  constructor(private readonly assertOpen: () => void) {}

  async put(doc: string, hash: string, { bytes, type }: StoredBlob): Promise<void> {
    this.assertOpen();
    if (!this.blobs.has(hash)) this.blobs.set(hash, { bytes: bytes.slice(), type });
    this.referencesOf(doc).add(hash);
  }

  async get(hash: string): Promise<StoredBlob | null> {
    this.assertOpen();
    const blob = this.blobs.get(hash);
    return blob === undefined ? null : { bytes: blob.bytes.slice(), type: blob.type };
  }

  async has(hash: string): Promise<boolean> {
    this.assertOpen();
    return this.blobs.has(hash);
  }

  async addReferences(doc: string, hashes: readonly string[]): Promise<void> {
    this.assertOpen();
    for (const hash of hashes) if (this.blobs.has(hash)) this.referencesOf(doc).add(hash);
  }

  async releaseDocument(doc: string): Promise<number> {
    this.assertOpen();
    const released = this.references.get(doc) ?? new Set<string>();
    this.references.delete(doc);
    const stillUsed = new Set([...this.references.values()].flatMap((hashes) => [...hashes]));
    let deleted = 0;
    for (const hash of released) if (!stillUsed.has(hash) && this.blobs.delete(hash)) deleted++;
    return deleted;
  }

  private referencesOf(doc: string): Set<string> {
    let hashes = this.references.get(doc);
    if (hashes === undefined) this.references.set(doc, (hashes = new Set()));
    return hashes;
  }
}
