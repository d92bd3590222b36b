import type { DocStore, DocumentInfo, StoredDocument } from './DocStore.ts';

interface MemoryDocument {
  title: string | null;
  createdAt: number;
  updatedAt: number;
  snapshot: Uint8Array | null;
  stateVector: Uint8Array | null;
  log: { seq: number; update: Uint8Array }[];
}

/**
 * `DocStore` kept in process memory: for tests, and for throwaway servers that need no
 * persistence. Bytes are copied in and out so callers cannot mutate stored state.
 */
export class MemoryDocStore implements DocStore {
  private readonly documents = new Map<string, MemoryDocument>();
  private nextSeq = 1;
  private closed = false;

  async load(name: string): Promise<StoredDocument | null> {
    this.assertOpen();
    const doc = this.documents.get(name);
    if (doc === undefined) return null;
    return {
      snapshot: doc.snapshot === null ? null : doc.snapshot.slice(),
      snapshotStateVector: doc.stateVector === null ? null : doc.stateVector.slice(),
      updates: doc.log.map((entry) => entry.update.slice()),
      lastSeq: doc.log.at(-1)?.seq ?? 0,
    };
  }

  async append(name: string, update: Uint8Array): Promise<number> {
    this.assertOpen();
    const now = Date.now();
    let doc = this.documents.get(name);
    if (doc === undefined) {
      doc = { title: null, createdAt: now, updatedAt: now, snapshot: null, stateVector: null, log: [] };
      this.documents.set(name, doc);
    }
    const seq = this.nextSeq++;
    doc.log.push({ seq, update: update.slice() });
    doc.updatedAt = now;
    return seq;
  }

  async compact(
    name: string,
    snapshot: Uint8Array,
    stateVector: Uint8Array,
    throughSeq: number,
  ): Promise<void> {
    this.assertOpen();
    const doc = this.documents.get(name);
    if (doc === undefined) return;
    doc.snapshot = snapshot.slice();
    doc.stateVector = stateVector.slice();
    doc.log = doc.log.filter((entry) => entry.seq > throughSeq);
  }

  async setTitle(name: string, title: string | null): Promise<void> {
    this.assertOpen();
    const doc = this.documents.get(name);
    if (doc !== undefined) doc.title = title;
  }

  async list(): Promise<DocumentInfo[]> {
    this.assertOpen();
    return [...this.documents.keys()]
      .map((name) => this.describe(name)!)
      .sort((a, b) => b.updatedAt - a.updatedAt || a.name.localeCompare(b.name));
  }

  async info(name: string): Promise<DocumentInfo | null> {
    this.assertOpen();
    return this.describe(name);
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    this.closed = true;
  }

  private describe(name: string): DocumentInfo | null {
    const doc = this.documents.get(name);
    if (doc === undefined) return null;
    const logBytes = doc.log.reduce((sum, entry) => sum + entry.update.byteLength, 0);
    return {
      name,
      title: doc.title,
      createdAt: doc.createdAt,
      updatedAt: doc.updatedAt,
      bytes: (doc.snapshot?.byteLength ?? 0) + logBytes,
    };
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('store is closed');
  }
}
