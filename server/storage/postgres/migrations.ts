import type { Pool } from 'pg';

/**
 * Numbered schema migrations. Entry N brings a database at version N to N + 1. Append new
 * migrations; never edit one that has shipped.
 *
 * Times are milliseconds since the epoch (bigint), read from the server's injected clock.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE documents (
    name           text   PRIMARY KEY,
    title          text,
    created_at     bigint NOT NULL,
    updated_at     bigint NOT NULL,
    -- The last sequence number given out. Appends take it under the row lock, so every
    -- instance appending to a document numbers its entries 1, 2, 3... without gaps or
    -- repeats, in commit order; compaction never lowers it.
    last_seq       bigint NOT NULL,
    snapshot_bytes bigint NOT NULL DEFAULT 0,
    log_bytes      bigint NOT NULL DEFAULT 0
  );

  CREATE TABLE snapshots (
    name         text   PRIMARY KEY,
    snapshot     bytea  NOT NULL,
    state_vector bytea,
    -- The entries this snapshot holds: every one up to this number.
    through_seq  bigint NOT NULL
  );

  CREATE TABLE updates (
    doc  text   NOT NULL,
    seq  bigint NOT NULL,
    data bytea  NOT NULL,
    PRIMARY KEY (doc, seq)
  );
  `,
  // The trash: a document with deleted_at set is hidden from the list until restored or purged.
  `ALTER TABLE documents ADD COLUMN deleted_at bigint;`,
  // Version history: full snapshots (gc'd Yjs updates) of a document, with their metadata.
  `
  CREATE TABLE versions (
    id         bigserial PRIMARY KEY,
    doc        text      NOT NULL,
    created_at bigint    NOT NULL,
    kind       text      NOT NULL,
    name       text,
    authors    text[]    NOT NULL,
    size       bigint    NOT NULL,
    data       bytea     NOT NULL
  );
  CREATE INDEX versions_by_doc ON versions (doc, created_at);
  `,
  `
  -- Images, content-addressed (sha-256, hex), and which documents reference them: purging a
  -- document deletes the blobs nothing else references. As in the SQLite schema.
  CREATE TABLE blobs (
    hash       text   PRIMARY KEY,
    type       text   NOT NULL,
    data       bytea  NOT NULL,
    size       bigint NOT NULL,
    created_at bigint NOT NULL
  );
  CREATE TABLE blob_refs (
    doc  text NOT NULL,
    hash text NOT NULL,
    PRIMARY KEY (doc, hash)
  );
  CREATE INDEX blob_refs_by_hash ON blob_refs (hash);
  `,
  `
  -- Names of purged documents and when: a link to one says it was permanently deleted, and
  -- neither a new document nor an old offline copy can take the name again.
  CREATE TABLE purged_documents (
    name      text   PRIMARY KEY,
    purged_at bigint NOT NULL
  );
  `,
  `
  -- Data backfills the server runs once, in its own code, after migrating (PendingBackfills).
  -- Images pasted from another document before 2026-12-05 were not referenced there: as in
  -- the SQLite schema.
  CREATE TABLE pending_backfills (name text PRIMARY KEY);
  INSERT INTO pending_backfills (name) VALUES ('image-references');
  `,
];

/** The schema version a fully migrated database has. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** Versions applied so far, one row per migration. */
const VERSION_TABLE = 'inkwell_schema_migrations';

/**
 * Key of the session advisory lock held while migrating: two instances starting together
 * take turns, and the second finds the schema up to date. (Two int4 keys: the first is
 * Inkwell's, 0x1a7e11, so that other applications' locks on the database never collide.)
 */
export const INKWELL_LOCK_CLASS = 0x1a7e11;
// Every lock key under Inkwell's class, in one place so that two never share a number.
const MIGRATION_LOCK = 1;
/** Held by blob reference changes (shared) and releases (alone): see PostgresBlobStore. */
export const BLOB_REFS_LOCK = 2;

/** Applies every migration the database lacks, each in its own transaction, under the lock. */
export async function migrate(pool: Pool, through = MIGRATIONS.length): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1, $2)', [INKWELL_LOCK_CLASS, MIGRATION_LOCK]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${VERSION_TABLE} (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ version: number | null }>(
      `SELECT max(version) AS version FROM ${VERSION_TABLE}`,
    );
    const current = rows[0]?.version ?? 0;
    if (current > MIGRATIONS.length) {
      throw new Error(
        `database schema version ${current} is newer than this server knows (${MIGRATIONS.length}); refusing to open it`,
      );
    }
    for (let version = current; version < through; version++) {
      await client.query('BEGIN');
      await client.query(MIGRATIONS[version]!);
      await client.query(`INSERT INTO ${VERSION_TABLE} (version) VALUES ($1)`, [version + 1]);
      await client.query('COMMIT');
    }
    await client.query('SELECT pg_advisory_unlock($1, $2)', [INKWELL_LOCK_CLASS, MIGRATION_LOCK]);
    client.release();
  } catch (error) {
    // Closing the connection ends its transaction and releases the lock, whatever failed.
    client.release(error instanceof Error ? error : true);
    throw error;
  }
}
