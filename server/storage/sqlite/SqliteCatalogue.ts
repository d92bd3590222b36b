import type Database from 'better-sqlite3';
import type { DocCatalogue, DocumentInfo, NewDocument } from '../DocCatalogue.ts';
import { DOCUMENT_ROW_COLUMNS, toDocumentInfo, type DocumentRow } from '../documentRow.ts';
import type { Clock } from '../Storage.ts';
import type { SqliteDocLog } from './SqliteDocLog.ts';

/**
 * `DocCatalogue` on the `documents` table of the SQLite database the log writes to. The log
 * writes a busy document's row lazily (see SqliteDocLog), so every read here first has the
 * log write what is pending.
 */
export class SqliteCatalogue implements DocCatalogue {
  private readonly selectAll: Database.Statement<[], DocumentRow>;
  private readonly selectTrash: Database.Statement<[], DocumentRow>;
  private readonly moveToTrash: Database.Statement<[number, string]>;
  private readonly moveOutOfTrash: Database.Statement<[string]>;
  private readonly selectOne: Database.Statement<[string], DocumentRow>;
  private readonly updateTitle: Database.Statement<[string | null, string]>;
  private readonly selectPurged: Database.Statement<[string], { purged_at: number }>;
  private readonly createTransaction: (name: string, initial: NewDocument) => DocumentInfo | null;
  private readonly deleteTransaction: (name: string, trashedBy: number) => boolean;

  constructor(
    db: Database.Database,
    private readonly log: SqliteDocLog,
    private readonly clock: Clock,
  ) {
    this.selectAll = db.prepare(
      `SELECT ${DOCUMENT_ROW_COLUMNS} FROM documents WHERE deleted_at IS NULL ORDER BY updated_at DESC, name`,
    );
    this.selectTrash = db.prepare(
      `SELECT ${DOCUMENT_ROW_COLUMNS} FROM documents WHERE deleted_at IS NOT NULL ORDER BY deleted_at DESC, name`,
    );
    this.moveToTrash = db.prepare(
      'UPDATE documents SET deleted_at = ? WHERE name = ? AND deleted_at IS NULL',
    );
    this.moveOutOfTrash = db.prepare(
      'UPDATE documents SET deleted_at = NULL WHERE name = ? AND deleted_at IS NOT NULL',
    );
    this.selectOne = db.prepare(`SELECT ${DOCUMENT_ROW_COLUMNS} FROM documents WHERE name = ?`);
    this.updateTitle = db.prepare('UPDATE documents SET title = ? WHERE name = ?');
    const insertDocument = db.prepare<[{ name: string; now: number; title: string | null; bytes: number }]>(`
      INSERT INTO documents (name, created_at, updated_at, title, log_bytes)
      VALUES (@name, @now, @now, @title, @bytes) ON CONFLICT (name) DO NOTHING`);
    const insertFirstUpdate = db.prepare<[string, Uint8Array]>(
      'INSERT INTO updates (doc, seq, data) VALUES (?, 1, ?)',
    );
    const deleteUpdates = db.prepare<[string]>('DELETE FROM updates WHERE doc = ?');
    const deleteSnapshot = db.prepare<[string]>('DELETE FROM snapshots WHERE name = ?');
    const deleteTrashed = db.prepare<[string, number]>(
      'DELETE FROM documents WHERE name = ? AND deleted_at IS NOT NULL AND deleted_at <= ?',
    );
    const insertPurged = db.prepare<[string, number]>(
      'INSERT INTO purged_documents (name, purged_at) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET purged_at = excluded.purged_at',
    );
    this.selectPurged = db.prepare('SELECT purged_at FROM purged_documents WHERE name = ?');

    this.createTransaction = db.transaction((name: string, { title, content }: NewDocument) => {
      if (this.selectPurged.get(name) !== undefined) return null;
      const now = this.clock();
      const inserted = insertDocument.run({ name, now, title, bytes: content.byteLength });
      if (inserted.changes === 0) return null;
      insertFirstUpdate.run(name, content);
      return toDocumentInfo(this.selectOne.get(name)!);
    });
    this.deleteTransaction = db.transaction((name: string, trashedBy: number) => {
      if (deleteTrashed.run(name, trashedBy).changes === 0) return false;
      deleteUpdates.run(name);
      deleteSnapshot.run(name);
      insertPurged.run(name, this.clock());
      return true;
    });
  }

  async create(name: string, initial: NewDocument): Promise<DocumentInfo | null> {
    this.log.writePending();
    return this.createTransaction(name, initial);
  }

  async list(): Promise<DocumentInfo[]> {
    this.log.writePending();
    return this.selectAll.all().map(toDocumentInfo);
  }

  async info(name: string): Promise<DocumentInfo | null> {
    this.log.writePending();
    const row = this.selectOne.get(name);
    return row === undefined ? null : toDocumentInfo(row);
  }

  async listTrash(): Promise<DocumentInfo[]> {
    this.log.writePending();
    return this.selectTrash.all().map(toDocumentInfo);
  }

  async trash(name: string): Promise<boolean> {
    this.log.writePending();
    return this.moveToTrash.run(this.clock(), name).changes > 0;
  }

  async restore(name: string): Promise<boolean> {
    this.log.writePending();
    return this.moveOutOfTrash.run(name).changes > 0;
  }

  async setTitle(name: string, title: string | null): Promise<void> {
    // Writes pending appends first: the row a new document's first append creates.
    this.log.writePending();
    this.updateTitle.run(title, name);
  }

  async delete(name: string, trashedBy = Number.MAX_SAFE_INTEGER): Promise<boolean> {
    this.log.writePending();
    if (!this.deleteTransaction(name, trashedBy)) return false;
    this.log.forget(name);
    return true;
  }

  async purgedAt(name: string): Promise<number | null> {
    return this.selectPurged.get(name)?.purged_at ?? null;
  }
}
