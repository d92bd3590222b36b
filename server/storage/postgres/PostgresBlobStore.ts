import type { Pool, PoolClient, QueryConfig } from 'pg';
import type { BlobStore, StoredBlob } from '../BlobStore.ts';
import type { Clock } from '../Storage.ts';
import { inTransaction } from './inTransaction.ts';
import { BLOB_REFS_LOCK, INKWELL_LOCK_CLASS } from './migrations.ts';

type Statement = Omit<QueryConfig, 'values'>;

/**
 * Adding references and freeing blobs take turns through one advisory lock: puts and added
 * references share it, a release takes it alone. Without it, a release on one instance could delete a
 * blob (seeing no reference) while a put of the same bytes on another instance was committing
 * its new reference to it (read committed: neither sees the other's uncommitted row), and the
 * image would be gone from a document that shows it. Releases are purges: rare.
 */
const SHARE_REFS: Statement = {
  name: 'inkwell_blob_refs_share',
  text: `SELECT pg_advisory_xact_lock_shared(${INKWELL_LOCK_CLASS}, ${BLOB_REFS_LOCK})`,
};
const LOCK_REFS: Statement = {
  name: 'inkwell_blob_refs_lock',
  text: `SELECT pg_advisory_xact_lock(${INKWELL_LOCK_CLASS}, ${BLOB_REFS_LOCK})`,
};
const INSERT_BLOB: Statement = {
  name: 'inkwell_blob_insert',
  text: `INSERT INTO blobs (hash, type, data, size, created_at)
         VALUES ($1, $2, $3::bytea, octet_length($3::bytea), $4::bigint) ON CONFLICT (hash) DO NOTHING`,
};
const INSERT_REF: Statement = {
  name: 'inkwell_blob_ref_insert',
  text: 'INSERT INTO blob_refs (doc, hash) VALUES ($1, $2) ON CONFLICT DO NOTHING',
};
const SELECT_BLOB: Statement = {
  name: 'inkwell_blob_select',
  text: 'SELECT data, type FROM blobs WHERE hash = $1',
};
const SELECT_HAS: Statement = {
  name: 'inkwell_blob_has',
  text: 'SELECT 1 FROM blobs WHERE hash = $1',
};
const ADD_STORED_REFS: Statement = {
  name: 'inkwell_blob_refs_add_stored',
  text: `INSERT INTO blob_refs (doc, hash) SELECT $1, hash FROM blobs WHERE hash = ANY($2::text[])
         ON CONFLICT DO NOTHING`,
};
const DELETE_REFS: Statement = {
  name: 'inkwell_blob_refs_delete',
  text: 'DELETE FROM blob_refs WHERE doc = $1 RETURNING hash',
};
/**
 * Its own statement after DELETE_REFS, not a CTE beside it: the statements of one WITH share a
 * snapshot, so NOT EXISTS would still see the references just deleted. Only the released
 * document's hashes are candidates, so a purge never scans every blob.
 */
const DELETE_ORPHANS: Statement = {
  name: 'inkwell_blob_delete_orphans',
  text: `DELETE FROM blobs b WHERE b.hash = ANY($1::text[])
         AND NOT EXISTS (SELECT 1 FROM blob_refs r WHERE r.hash = b.hash)`,
};

/** `BlobStore` on the `blobs` (bytea) and `blob_refs` tables of the PostgreSQL database. */
export class PostgresBlobStore implements BlobStore {
  constructor(
    private readonly pool: Pool,
    private readonly clock: Clock,
  ) {}

  async put(doc: string, hash: string, { bytes, type }: StoredBlob): Promise<void> {
    await this.addingReferences(async (client) => {
      await client.query({ ...INSERT_BLOB, values: [hash, type, bytes, this.clock()] });
      await client.query({ ...INSERT_REF, values: [doc, hash] });
    });
  }

  async get(hash: string): Promise<StoredBlob | null> {
    const { rows } = await this.pool.query<{ data: Buffer; type: string }>({
      ...SELECT_BLOB,
      values: [hash],
    });
    const row = rows[0];
    return row === undefined ? null : { bytes: new Uint8Array(row.data), type: row.type };
  }

  async has(hash: string): Promise<boolean> {
    const { rowCount } = await this.pool.query({ ...SELECT_HAS, values: [hash] });
    return rowCount !== null && rowCount > 0;
  }

  async addReferences(doc: string, hashes: readonly string[]): Promise<void> {
    if (hashes.length === 0) return;
    await this.addingReferences((client) => client.query({ ...ADD_STORED_REFS, values: [doc, hashes] }));
  }

  async releaseDocument(doc: string): Promise<number> {
    return inTransaction(this.pool, async (client) => {
      await client.query(LOCK_REFS);
      const released = await client.query<{ hash: string }>({ ...DELETE_REFS, values: [doc] });
      if (released.rows.length === 0) return 0;
      const { rowCount } = await client.query({
        ...DELETE_ORPHANS,
        values: [released.rows.map((row) => row.hash)],
      });
      return rowCount ?? 0;
    });
  }

  private addingReferences(work: (client: PoolClient) => Promise<unknown>): Promise<void> {
    return inTransaction(this.pool, async (client) => {
      await client.query(SHARE_REFS);
      await work(client);
    });
  }
}
