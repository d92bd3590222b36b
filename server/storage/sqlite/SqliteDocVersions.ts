import type Database from 'better-sqlite3';
import type { VersionKind } from '../../../shared/api.ts';
import {
  isVersionId,
  type DocVersions,
  type NewVersion,
  type StoredVersion,
  type VersionInfo,
} from '../DocVersions.ts';
import type { Clock } from '../Storage.ts';

export interface VersionRow {
  id: number;
  created_at: number;
  kind: VersionKind;
  name: string | null;
  authors: string;
  size: number;
}

// The state is the row's last column: listing reads the columns before it and never touches
// the overflow pages a large state takes.
export const INFO_COLUMNS = 'id, created_at, kind, name, authors, size';

export const toInfo = (row: VersionRow): VersionInfo => ({
  id: String(row.id),
  createdAt: row.created_at,
  kind: row.kind,
  name: row.name,
  authors: JSON.parse(row.authors) as string[],
  bytes: row.size,
});

/** `DocVersions` on the `versions` table of the documents' SQLite database. */
export class SqliteDocVersions implements DocVersions {
  private readonly insert: Database.Statement<
    [
      {
        doc: string;
        now: number;
        kind: string;
        name: string | null;
        authors: string;
        size: number;
        data: Uint8Array;
      },
    ]
  >;
  private readonly selectList: Database.Statement<[string], VersionRow>;
  private readonly selectOne: Database.Statement<[string, number], VersionRow & { data: Uint8Array }>;
  private readonly selectLatest: Database.Statement<[string], VersionRow & { data: Uint8Array }>;
  private readonly removeTransaction: (doc: string, ids: readonly number[]) => number;
  private readonly deleteAll: Database.Statement<[string]>;

  constructor(
    db: Database.Database,
    private readonly clock: Clock,
  ) {
    this.insert = db.prepare(`
      INSERT INTO versions (doc, created_at, kind, name, authors, size, data)
      VALUES (@doc, @now, @kind, @name, @authors, @size, @data)`);
    this.selectList = db.prepare(
      `SELECT ${INFO_COLUMNS} FROM versions WHERE doc = ? ORDER BY created_at DESC, id DESC`,
    );
    this.selectOne = db.prepare(`SELECT ${INFO_COLUMNS}, data FROM versions WHERE doc = ? AND id = ?`);
    this.selectLatest = db.prepare(
      `SELECT ${INFO_COLUMNS}, data FROM versions WHERE doc = ? ORDER BY created_at DESC, id DESC LIMIT 1`,
    );
    const deleteOne = db.prepare<[string, number]>('DELETE FROM versions WHERE doc = ? AND id = ?');
    this.removeTransaction = db.transaction((doc: string, ids: readonly number[]) =>
      ids.reduce((removed, id) => removed + deleteOne.run(doc, id).changes, 0),
    );
    this.deleteAll = db.prepare('DELETE FROM versions WHERE doc = ?');
  }

  async add(doc: string, { kind, name, authors, update }: NewVersion): Promise<VersionInfo> {
    const now = this.clock();
    const { lastInsertRowid } = this.insert.run({
      doc,
      now,
      kind,
      name,
      authors: JSON.stringify(authors),
      size: update.byteLength,
      data: update,
    });
    return {
      id: String(lastInsertRowid),
      createdAt: now,
      kind,
      name,
      authors: [...authors],
      bytes: update.byteLength,
    };
  }

  async list(doc: string): Promise<VersionInfo[]> {
    return this.selectList.all(doc).map(toInfo);
  }

  async get(doc: string, id: string): Promise<StoredVersion | null> {
    if (!isVersionId(id)) return null;
    const row = this.selectOne.get(doc, Number(id));
    return row === undefined ? null : { ...toInfo(row), update: new Uint8Array(row.data) };
  }

  async latest(doc: string): Promise<StoredVersion | null> {
    const row = this.selectLatest.get(doc);
    return row === undefined ? null : { ...toInfo(row), update: new Uint8Array(row.data) };
  }

  async remove(doc: string, ids: readonly string[]): Promise<number> {
    return this.removeTransaction(doc, ids.filter(isVersionId).map(Number));
  }

  async removeDocument(doc: string): Promise<number> {
    return this.deleteAll.run(doc).changes;
  }
}
