import type { Pool } from 'pg';
import type { DocumentExport, ExportedVersion } from '../DocumentExport.ts';
import { inTransaction } from './inTransaction.ts';

/** Log entries per INSERT: big logs go in several statements of one transaction. */
const ENTRIES_PER_STATEMENT = 1000;

/**
 * Writes a document exactly as exported (listing, snapshot, entries with their numbers) in
 * one transaction. Resolves false, writing nothing, when a document of that name exists.
 */
export async function importDocument(pool: Pool, doc: DocumentExport): Promise<boolean> {
  return inTransaction(pool, async (client) => {
    const logBytes = doc.entries.reduce((sum, entry) => sum + entry.data.byteLength, 0);
    const { rowCount } = await client.query(
      `INSERT INTO documents (name, title, created_at, updated_at, last_seq, snapshot_bytes, log_bytes, deleted_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (name) DO NOTHING`,
      [
        doc.name,
        doc.title,
        doc.createdAt,
        doc.updatedAt,
        doc.lastSeq,
        doc.snapshot?.data.byteLength ?? 0,
        logBytes,
        doc.deletedAt,
      ],
    );
    if (rowCount === 0) return false;
    if (doc.snapshot !== null) {
      await client.query(
        'INSERT INTO snapshots (name, snapshot, state_vector, through_seq) VALUES ($1, $2, $3, $4)',
        [doc.name, doc.snapshot.data, doc.snapshot.stateVector, doc.snapshot.throughSeq],
      );
    }
    for (let start = 0; start < doc.entries.length; start += ENTRIES_PER_STATEMENT) {
      const chunk = doc.entries.slice(start, start + ENTRIES_PER_STATEMENT);
      await client.query(
        'INSERT INTO updates (doc, seq, data) SELECT $1, seq, data FROM unnest($2::bigint[], $3::bytea[]) AS e (seq, data)',
        [doc.name, chunk.map((entry) => entry.seq), chunk.map((entry) => entry.data)],
      );
    }
    return true;
  });
}

/**
 * States per INSERT of versions: pg sends a `bytea[]` as one hex string, which Node caps at
 * about 512 MB, and a long history of a large document is more than that.
 */
const VERSION_BYTES_PER_STATEMENT = 16 * 2 ** 20;

/**
 * Adds the document's versions the database does not have yet, keeping their times, kinds,
 * names and authors (one with all of those and the same state counts as had); resolves with
 * how many it added. Separate from `importDocument` so that a run after an earlier copy (by a
 * script that copied no versions, say) still brings them. Each statement is idempotent, so a
 * failure midway leaves nothing a later run would duplicate.
 */
export async function importVersions(
  pool: Pool,
  doc: Pick<DocumentExport, 'name' | 'versions'>,
): Promise<number> {
  let added = 0;
  for (let start = 0; start < doc.versions.length;) {
    const batch: ExportedVersion[] = [];
    let batchBytes = 0;
    // At least one, however large.
    while (start < doc.versions.length && (batch.length === 0 || batchBytes < VERSION_BYTES_PER_STATEMENT)) {
      const version = doc.versions[start++]!;
      batch.push(version);
      batchBytes += version.bytes;
    }
    const { rowCount } = await pool.query(
      `INSERT INTO versions (doc, created_at, kind, name, authors, size, data)
       SELECT $1, v.created_at, v.kind, v.name, ARRAY(SELECT json_array_elements_text(v.authors)),
              octet_length(v.data), v.data
       FROM unnest($2::bigint[], $3::text[], $4::text[], $5::json[], $6::bytea[])
            WITH ORDINALITY AS v (created_at, kind, name, authors, data, ord)
       WHERE NOT EXISTS (
         SELECT 1 FROM versions had
         WHERE had.doc = $1 AND had.created_at = v.created_at AND had.kind = v.kind
           AND had.name IS NOT DISTINCT FROM v.name
           AND had.authors = ARRAY(SELECT json_array_elements_text(v.authors)) AND had.data = v.data
       )
       ORDER BY v.ord`,
      [
        doc.name,
        batch.map((v) => v.createdAt),
        batch.map((v) => v.kind),
        batch.map((v) => v.name),
        batch.map((v) => JSON.stringify(v.authors)),
        batch.map((v) => v.readState()),
      ],
    );
    added += rowCount ?? 0;
  }
  return added;
}

/**
 * What tells two copies of a version apart: its time, kind, name, authors and the sha-256 of
 * its state (hex), as one string.
 */
export const versionFingerprint = (
  version: Pick<ExportedVersion, 'createdAt' | 'kind' | 'name' | 'authors'>,
  stateSha256: string,
): string => JSON.stringify([version.createdAt, version.kind, version.name, version.authors, stateSha256]);

/**
 * The fingerprint of each version of `doc` the database holds, hashed in the database: what a
 * copy is checked against without reading the states back.
 */
export async function versionFingerprints(pool: Pool, doc: string): Promise<Set<string>> {
  const { rows } = await pool.query<{
    created_at: number;
    kind: ExportedVersion['kind'];
    name: string | null;
    authors: string[];
    sha256: string;
  }>(
    `SELECT created_at, kind, name, authors, encode(sha256(data), 'hex') AS sha256 FROM versions WHERE doc = $1`,
    [doc],
  );
  return new Set(
    rows.map((row) =>
      versionFingerprint(
        { createdAt: row.created_at, kind: row.kind, name: row.name, authors: row.authors },
        row.sha256,
      ),
    ),
  );
}

/**
 * Remembers names purged elsewhere as purged here too (a stale client must not bring them
 * back on the new database either); resolves with how many were new.
 */
export async function importPurgedNames(
  pool: Pool,
  purged: readonly { name: string; purgedAt: number }[],
): Promise<number> {
  if (purged.length === 0) return 0;
  const { rowCount } = await pool.query(
    `INSERT INTO purged_documents (name, purged_at)
     SELECT name, purged_at FROM unnest($1::text[], $2::bigint[]) AS p (name, purged_at)
     ON CONFLICT (name) DO NOTHING`,
    [purged.map((p) => p.name), purged.map((p) => p.purgedAt)],
  );
  return rowCount ?? 0;
}
