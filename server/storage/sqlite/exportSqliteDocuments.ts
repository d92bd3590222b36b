import Database from 'better-sqlite3';
import type { DocumentExport } from '../DocumentExport.ts';
import { migrate } from './migrations.ts';
import { INFO_COLUMNS, toInfo, type VersionRow } from './SqliteDocVersions.ts';

/**
 * Reads every document of an Inkwell SQLite file, one at a time. The file is first migrated
 * to the current schema, as the server would on start; nothing else is written.
 */
export function* exportSqliteDocuments(file: string): Generator<DocumentExport> {
  const db = new Database(file, { fileMustExist: true });
  try {
    migrate(db);
    const documents = db
      .prepare('SELECT name, title, created_at, updated_at, deleted_at FROM documents ORDER BY name')
      .all() as {
      name: string;
      title: string | null;
      created_at: number;
      updated_at: number;
      deleted_at: number | null;
    }[];
    const selectSnapshot = db.prepare<
      [string],
      { snapshot: Buffer; state_vector: Buffer | null; through_seq: number }
    >('SELECT snapshot, state_vector, through_seq FROM snapshots WHERE name = ?');
    const selectEntries = db.prepare<[string], { seq: number; data: Buffer }>(
      'SELECT seq, data FROM updates WHERE doc = ? ORDER BY seq',
    );
    const selectImages = db.prepare<[string], { hash: string; type: string; data: Buffer }>(
      'SELECT b.hash, b.type, b.data FROM blob_refs r JOIN blobs b ON b.hash = r.hash WHERE r.doc = ? ORDER BY b.hash',
    );
    const selectVersions = db.prepare<[string], VersionRow>(
      `SELECT ${INFO_COLUMNS} FROM versions WHERE doc = ? ORDER BY created_at, id`,
    );
    const selectVersionState = db.prepare<[number], { data: Buffer }>(
      'SELECT data FROM versions WHERE id = ?',
    );
    for (const row of documents) {
      const snapshot = selectSnapshot.get(row.name);
      const entries = selectEntries.all(row.name);
      yield {
        name: row.name,
        title: row.title,
        createdAt: row.created_at,
        updatedAt: row.updated_at,
        deletedAt: row.deleted_at,
        lastSeq: Math.max(entries.at(-1)?.seq ?? 0, snapshot?.through_seq ?? 0),
        snapshot:
          snapshot === undefined
            ? null
            : {
                data: snapshot.snapshot,
                stateVector: snapshot.state_vector,
                throughSeq: snapshot.through_seq,
              },
        entries: entries.map((entry) => ({ seq: entry.seq, data: entry.data })),
        versions: selectVersions.all(row.name).map((version) => {
          const { id: _id, ...info } = toInfo(version);
          // Valid until the generator moves on (it closes the file at the end).
          return { ...info, readState: () => selectVersionState.get(version.id)!.data };
        }),
        images: selectImages
          .all(row.name)
          .map(({ hash, type, data }) => ({ hash, blob: { bytes: data, type } })),
      };
    }
  } finally {
    db.close();
  }
}

/** The names an Inkwell SQLite file remembers as purged, with when (already migrated by the caller). */
export function exportSqlitePurgedNames(file: string): { name: string; purgedAt: number }[] {
  const db = new Database(file, { fileMustExist: true, readonly: true });
  try {
    return db.prepare('SELECT name, purged_at AS purgedAt FROM purged_documents ORDER BY name').all() as {
      name: string;
      purgedAt: number;
    }[];
  } finally {
    db.close();
  }
}
