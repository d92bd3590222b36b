import type { Database } from 'better-sqlite3';

/**
 * Numbered schema migrations. Entry N brings a database at `user_version` N to N + 1.
 * Append new migrations; never edit one that has shipped.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE documents (
    name           TEXT    PRIMARY KEY,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    snapshot       BLOB,
    snapshot_bytes INTEGER NOT NULL DEFAULT 0,
    log_bytes      INTEGER NOT NULL DEFAULT 0
  ) STRICT;

  -- One row per appended update; id doubles as the store-wide sequence number.
  CREATE TABLE updates (
    id   INTEGER PRIMARY KEY AUTOINCREMENT,
    doc  TEXT    NOT NULL,
    data BLOB    NOT NULL
  ) STRICT;
  CREATE INDEX updates_by_doc ON updates (doc, id);
  `,
  `
  -- The editor's document title, mirrored from the Y.Doc for listing without loading it.
  ALTER TABLE documents ADD COLUMN title TEXT;
  `,
  `
  -- The snapshot's state vector, written with it: the first sync of a stored document is
  -- answered from stored bytes, before the document is decoded.
  ALTER TABLE documents ADD COLUMN state_vector BLOB;
  `,
  `
  -- Snapshots move out of the documents row. SQLite rewrites a whole row (its overflow pages
  -- included) when any column changes, so every commit's touch of updated_at/log_bytes was
  -- rewriting the snapshot too: tens of pages per keystroke on a large document.
  CREATE TABLE snapshots (
    name         TEXT PRIMARY KEY,
    snapshot     BLOB NOT NULL,
    state_vector BLOB
  ) STRICT;
  INSERT INTO snapshots (name, snapshot, state_vector)
    SELECT name, snapshot, state_vector FROM documents WHERE snapshot IS NOT NULL;
  ALTER TABLE documents DROP COLUMN snapshot;
  ALTER TABLE documents DROP COLUMN state_vector;
  `,
  `
  -- Sequence numbers per document (1, 2, 3, ...) instead of one counter for the whole store,
  -- as a shared PostgreSQL log assigns them (another instance tells a gap from them).
  -- The table is rebuilt without AUTOINCREMENT, whose counter row was one more write per
  -- commit. Existing entries keep their store-wide ids as numbers: increasing per document.
  CREATE TABLE updates_by_seq (
    id   INTEGER PRIMARY KEY,
    doc  TEXT    NOT NULL,
    seq  INTEGER NOT NULL,
    data BLOB    NOT NULL
  ) STRICT;
  INSERT INTO updates_by_seq (id, doc, seq, data) SELECT id, doc, id, data FROM updates;
  -- Where numbering resumes once compaction has emptied a log: never below a number given out.
  ALTER TABLE snapshots ADD COLUMN through_seq INTEGER NOT NULL DEFAULT 0;
  UPDATE snapshots SET through_seq = COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'updates'), 0);
  DROP TABLE updates;
  ALTER TABLE updates_by_seq RENAME TO updates;
  CREATE UNIQUE INDEX updates_by_doc ON updates (doc, seq);
  `,
  `
  -- The trash: a deleted document keeps its row, log and snapshot until it is purged, so
  -- that it can be restored. NULL: not deleted.
  ALTER TABLE documents ADD COLUMN deleted_at INTEGER;
  `,
  `
  -- Images, content-addressed (sha-256, hex), and which documents reference them: purging a
  -- document deletes the blobs nothing else references.
  CREATE TABLE blobs (
    hash       TEXT    PRIMARY KEY,
    type       TEXT    NOT NULL,
    data       BLOB    NOT NULL,
    size       INTEGER NOT NULL,
    created_at INTEGER NOT NULL
  ) STRICT;
  CREATE TABLE blob_refs (
    doc  TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (doc, hash)
  ) STRICT;
  CREATE INDEX blob_refs_by_hash ON blob_refs (hash);
  `,
  `
  -- Version history: full snapshots (gc'd Yjs updates) of a document, with their metadata.
  -- The state is the last column, so listing never reads its overflow pages.
  CREATE TABLE versions (
    id         INTEGER PRIMARY KEY,
    doc        TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    kind       TEXT    NOT NULL,
    name       TEXT,
    authors    TEXT    NOT NULL, -- a JSON array of names
    size       INTEGER NOT NULL,
    data       BLOB    NOT NULL
  ) STRICT;
  CREATE INDEX versions_by_doc ON versions (doc, created_at);
  `,
  `
  -- Names of purged documents and when: a link to one says it was permanently deleted, and
  -- neither a new document nor an old offline copy can take the name again.
  CREATE TABLE purged_documents (
    name      TEXT    PRIMARY KEY,
    purged_at INTEGER NOT NULL
  ) STRICT;
  `,
  `
  -- Data backfills the server runs once, in its own code, after migrating (PendingBackfills).
  CREATE TABLE pending_backfills (name TEXT PRIMARY KEY) STRICT;
  -- Until 2026-12-05 a document referenced only the images uploaded to it, not those pasted
  -- from another document, so purging the document an image was uploaded to deleted it where
  -- it had been pasted. The server now records references from content; this finds the ones
  -- written before, in every stored document and version.
  INSERT INTO pending_backfills (name) VALUES ('image-references');
  `,
];

/** The schema version a fully migrated database has. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Applies every migration newer than the database's `user_version` (up to `through`, for
 * tests that need an older schema), each in a transaction.
 */
export function migrate(db: Database, through = MIGRATIONS.length): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(
      `database schema version ${current} is newer than this server knows (${MIGRATIONS.length}); refusing to open it`,
    );
  }
  for (let version = current; version < through; version++) {
    const sql = MIGRATIONS[version]!;
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
