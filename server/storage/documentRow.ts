import type { DocumentInfo } from './DocCatalogue.ts';

/** A catalogue row as the SQL stores select it (snake case, size summed). */
export interface DocumentRow {
  name: string;
  title: string | null;
  created_at: number;
  updated_at: number;
  bytes: number;
  deleted_at: number | null;
}

/** The columns that select a `DocumentRow` from a `documents` table. */
export const DOCUMENT_ROW_COLUMNS =
  'name, title, created_at, updated_at, snapshot_bytes + log_bytes AS bytes, deleted_at';

export const toDocumentInfo = (row: DocumentRow): DocumentInfo => ({
  name: row.name,
  title: row.title,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  bytes: row.bytes,
  // PostgreSQL hands bigints to JavaScript as strings.
  deletedAt: row.deleted_at === null ? null : Number(row.deleted_at),
});
