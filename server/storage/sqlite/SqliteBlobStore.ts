import type Database from 'better-sqlite3';
import type { BlobStore, StoredBlob } from '../BlobStore.ts';
import type { Clock } from '../Storage.ts';

/** `BlobStore` on the `blobs` and `blob_refs` tables of the documents' SQLite database. */
export class SqliteBlobStore implements BlobStore {
  private readonly putTransaction: (doc: string, hash: string, blob: StoredBlob) => void;
  private readonly selectBlob: Database.Statement<[string], { data: Uint8Array; type: string }>;
  private readonly selectHas: Database.Statement<[string], { one: number }>;
  private readonly addRefs: (doc: string, hashes: readonly string[]) => void;
  private readonly releaseTransaction: (doc: string) => number;

  constructor(db: Database.Database, clock: Clock) {
    const insertBlob = db.prepare<[string, string, Uint8Array, number, number]>(
      'INSERT INTO blobs (hash, type, data, size, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING',
    );
    const insertRef = db.prepare<[string, string]>(
      'INSERT INTO blob_refs (doc, hash) VALUES (?, ?) ON CONFLICT DO NOTHING',
    );
    this.selectBlob = db.prepare('SELECT data, type FROM blobs WHERE hash = ?');
    this.selectHas = db.prepare('SELECT 1 AS one FROM blobs WHERE hash = ?');
    const insertStoredRef = db.prepare<[string, string]>(
      'INSERT INTO blob_refs (doc, hash) SELECT ?, hash FROM blobs WHERE hash = ? ON CONFLICT DO NOTHING',
    );
    const deleteRefs = db.prepare<[string]>('DELETE FROM blob_refs WHERE doc = ?');
    // A scan of the blobs, once per purge: simpler than tracking counts on every put.
    const deleteOrphans = db.prepare(
      'DELETE FROM blobs WHERE NOT EXISTS (SELECT 1 FROM blob_refs WHERE blob_refs.hash = blobs.hash)',
    );
    this.putTransaction = db.transaction((doc: string, hash: string, { bytes, type }: StoredBlob) => {
      insertBlob.run(hash, type, bytes, bytes.byteLength, clock());
      insertRef.run(doc, hash);
    });
    this.addRefs = db.transaction((doc: string, hashes: readonly string[]) => {
      for (const hash of hashes) insertStoredRef.run(doc, hash);
    });
    this.releaseTransaction = db.transaction((doc: string) => {
      deleteRefs.run(doc);
      return deleteOrphans.run().changes;
    });
  }

  async put(doc: string, hash: string, blob: StoredBlob): Promise<void> {
    this.putTransaction(doc, hash, blob);
  }

  async get(hash: string): Promise<StoredBlob | null> {
    const row = this.selectBlob.get(hash);
    return row === undefined ? null : { bytes: new Uint8Array(row.data), type: row.type };
  }

  async has(hash: string): Promise<boolean> {
    return this.selectHas.get(hash) !== undefined;
  }

  async addReferences(doc: string, hashes: readonly string[]): Promise<void> {
    if (hashes.length > 0) this.addRefs(doc, hashes);
  }

  async releaseDocument(doc: string): Promise<number> {
    return this.releaseTransaction(doc);
  }
}
