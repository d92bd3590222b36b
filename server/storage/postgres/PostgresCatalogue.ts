import type { Pool, QueryConfig } from 'pg';
import type { DocCatalogue, DocumentInfo, NewDocument } from '../DocCatalogue.ts';
import { DOCUMENT_ROW_COLUMNS, toDocumentInfo, type DocumentRow } from '../documentRow.ts';
import type { Clock } from '../Storage.ts';
import { inTransaction } from './inTransaction.ts';
import type { PostgresLog } from './PostgresLog.ts';

type Statement = Omit<QueryConfig, 'values'>;

// Names sort byte by byte (COLLATE "C"), as SQLite sorts them, whatever the database's locale.
const LIST: Statement = {
  name: 'inkwell_list',
  text: `SELECT ${DOCUMENT_ROW_COLUMNS} FROM documents WHERE deleted_at IS NULL ORDER BY updated_at DESC, name COLLATE "C"`,
};
const LIST_TRASH: Statement = {
  name: 'inkwell_list_trash',
  text: `SELECT ${DOCUMENT_ROW_COLUMNS} FROM documents WHERE deleted_at IS NOT NULL ORDER BY deleted_at DESC, name COLLATE "C"`,
};
const TRASH: Statement = {
  name: 'inkwell_trash',
  text: 'UPDATE documents SET deleted_at = $2::bigint WHERE name = $1 AND deleted_at IS NULL',
};
const RESTORE: Statement = {
  name: 'inkwell_restore',
  text: 'UPDATE documents SET deleted_at = NULL WHERE name = $1 AND deleted_at IS NOT NULL',
};
const INFO: Statement = {
  name: 'inkwell_info',
  text: `SELECT ${DOCUMENT_ROW_COLUMNS} FROM documents WHERE name = $1`,
};
const SET_TITLE: Statement = {
  name: 'inkwell_set_title',
  text: 'UPDATE documents SET title = $2 WHERE name = $1',
};
/**
 * The listing and the first entry (number 1) in one statement, or nothing when the name is
 * taken or was purged.
 */
const CREATE: Statement = {
  name: 'inkwell_create',
  text: `
    WITH created AS (
      INSERT INTO documents (name, title, created_at, updated_at, last_seq, log_bytes)
      SELECT $1, $2, $3::bigint, $3::bigint, 1, octet_length($4::bytea)
      WHERE NOT EXISTS (SELECT 1 FROM purged_documents WHERE name = $1)
      ON CONFLICT (name) DO NOTHING
      RETURNING ${DOCUMENT_ROW_COLUMNS}
    ), first_entry AS (
      INSERT INTO updates (doc, seq, data) SELECT name, 1, $4::bytea FROM created
    )
    SELECT * FROM created`,
};
/**
 * Deleting takes the document's row first, in its own statement: that waits for appends
 * committing on other instances, and the later statements of the transaction (read committed)
 * then see and delete their entries too. (One statement would delete the entries its
 * snapshot saw, leaving those of an append that committed just after it.)
 */
const DELETE_STATEMENTS: Statement[] = [
  { name: 'inkwell_delete_snapshot', text: 'DELETE FROM snapshots WHERE name = $1' },
  { name: 'inkwell_delete_log', text: 'DELETE FROM updates WHERE doc = $1' },
];
const DELETE_DOCUMENT: Statement = {
  name: 'inkwell_delete_document',
  text: 'DELETE FROM documents WHERE name = $1 AND deleted_at IS NOT NULL AND deleted_at <= $2::bigint',
};
const REMEMBER_PURGED: Statement = {
  name: 'inkwell_remember_purged',
  text: `INSERT INTO purged_documents (name, purged_at) VALUES ($1, $2::bigint)
         ON CONFLICT (name) DO UPDATE SET purged_at = excluded.purged_at`,
};
const PURGED_AT: Statement = {
  name: 'inkwell_purged_at',
  text: 'SELECT purged_at FROM purged_documents WHERE name = $1',
};

/**
 * `DocCatalogue` on the `documents` table the log writes. Every call first waits for this
 * instance's pending appends (to the document, or to any for `list`), so it answers with
 * what this instance wrote.
 */
export class PostgresCatalogue implements DocCatalogue {
  constructor(
    private readonly pool: Pool,
    private readonly log: PostgresLog,
    private readonly clock: Clock,
  ) {}

  async create(name: string, { title, content }: NewDocument): Promise<DocumentInfo | null> {
    await this.log.settled(name);
    const { rows } = await this.pool.query<DocumentRow>({
      ...CREATE,
      values: [name, title, this.clock(), content],
    });
    return rows[0] === undefined ? null : toDocumentInfo(rows[0]);
  }

  async list(): Promise<DocumentInfo[]> {
    await this.log.flush();
    const { rows } = await this.pool.query<DocumentRow>(LIST);
    return rows.map(toDocumentInfo);
  }

  async info(name: string): Promise<DocumentInfo | null> {
    await this.log.settled(name);
    const { rows } = await this.pool.query<DocumentRow>({ ...INFO, values: [name] });
    return rows[0] === undefined ? null : toDocumentInfo(rows[0]);
  }

  async listTrash(): Promise<DocumentInfo[]> {
    await this.log.flush();
    const { rows } = await this.pool.query<DocumentRow>(LIST_TRASH);
    return rows.map(toDocumentInfo);
  }

  async trash(name: string): Promise<boolean> {
    await this.log.settled(name);
    const { rowCount } = await this.pool.query({ ...TRASH, values: [name, this.clock()] });
    return rowCount !== null && rowCount > 0;
  }

  async restore(name: string): Promise<boolean> {
    await this.log.settled(name);
    const { rowCount } = await this.pool.query({ ...RESTORE, values: [name] });
    return rowCount !== null && rowCount > 0;
  }

  async setTitle(name: string, title: string | null): Promise<void> {
    // Commits first the append that may be creating the document's row.
    await this.log.settled(name);
    await this.pool.query({ ...SET_TITLE, values: [name, title] });
  }

  async delete(name: string, trashedBy = Number.MAX_SAFE_INTEGER): Promise<boolean> {
    await this.log.settled(name);
    return inTransaction(this.pool, async (client) => {
      const { rowCount } = await client.query({ ...DELETE_DOCUMENT, values: [name, trashedBy] });
      if (rowCount === null || rowCount === 0) return false;
      for (const statement of DELETE_STATEMENTS) await client.query({ ...statement, values: [name] });
      await client.query({ ...REMEMBER_PURGED, values: [name, this.clock()] });
      return true;
    });
  }

  async purgedAt(name: string): Promise<number | null> {
    const { rows } = await this.pool.query<{ purged_at: number }>({ ...PURGED_AT, values: [name] });
    return rows[0]?.purged_at ?? null;
  }
}
