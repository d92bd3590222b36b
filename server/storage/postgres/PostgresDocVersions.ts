import type { Pool, QueryConfig } from 'pg';
import type { VersionKind } from '../../../shared/api.ts';
import {
  isVersionId,
  type DocVersions,
  type NewVersion,
  type StoredVersion,
  type VersionInfo,
} from '../DocVersions.ts';
import type { Clock } from '../Storage.ts';

type Statement = Omit<QueryConfig, 'values'>;

interface VersionRow {
  id: number;
  created_at: number;
  kind: VersionKind;
  name: string | null;
  authors: string[];
  size: number;
}

const INFO_COLUMNS = 'id, created_at, kind, name, authors, size';

const ADD: Statement = {
  name: 'inkwell_version_add',
  text: `INSERT INTO versions (doc, created_at, kind, name, authors, size, data)
         VALUES ($1, $2::bigint, $3, $4, $5::text[], octet_length($6::bytea), $6::bytea)
         RETURNING ${INFO_COLUMNS}`,
};
const LIST: Statement = {
  name: 'inkwell_version_list',
  text: `SELECT ${INFO_COLUMNS} FROM versions WHERE doc = $1 ORDER BY created_at DESC, id DESC`,
};
const GET: Statement = {
  name: 'inkwell_version_get',
  text: `SELECT ${INFO_COLUMNS}, data FROM versions WHERE doc = $1 AND id = $2::bigint`,
};
const LATEST: Statement = {
  name: 'inkwell_version_latest',
  text: `SELECT ${INFO_COLUMNS}, data FROM versions WHERE doc = $1 ORDER BY created_at DESC, id DESC LIMIT 1`,
};
const REMOVE: Statement = {
  name: 'inkwell_version_remove',
  text: 'DELETE FROM versions WHERE doc = $1 AND id = ANY($2::bigint[])',
};
const REMOVE_DOCUMENT: Statement = {
  name: 'inkwell_version_remove_document',
  text: 'DELETE FROM versions WHERE doc = $1',
};

const toInfo = (row: VersionRow): VersionInfo => ({
  id: String(row.id),
  createdAt: row.created_at,
  kind: row.kind,
  name: row.name,
  authors: row.authors,
  bytes: row.size,
});
const toStored = (row: VersionRow & { data: Buffer }): StoredVersion => ({
  ...toInfo(row),
  update: new Uint8Array(row.data),
});

/** `DocVersions` on the `versions` table, shared by every instance on the database. */
export class PostgresDocVersions implements DocVersions {
  constructor(
    private readonly pool: Pool,
    private readonly clock: Clock,
  ) {}

  async add(doc: string, { kind, name, authors, update }: NewVersion): Promise<VersionInfo> {
    const { rows } = await this.pool.query<VersionRow>({
      ...ADD,
      values: [doc, this.clock(), kind, name, authors, update],
    });
    return toInfo(rows[0]!);
  }

  async list(doc: string): Promise<VersionInfo[]> {
    const { rows } = await this.pool.query<VersionRow>({ ...LIST, values: [doc] });
    return rows.map(toInfo);
  }

  async get(doc: string, id: string): Promise<StoredVersion | null> {
    if (!isVersionId(id)) return null;
    const { rows } = await this.pool.query<VersionRow & { data: Buffer }>({ ...GET, values: [doc, id] });
    return rows[0] === undefined ? null : toStored(rows[0]);
  }

  async latest(doc: string): Promise<StoredVersion | null> {
    const { rows } = await this.pool.query<VersionRow & { data: Buffer }>({ ...LATEST, values: [doc] });
    return rows[0] === undefined ? null : toStored(rows[0]);
  }

  async remove(doc: string, ids: readonly string[]): Promise<number> {
    const valid = ids.filter(isVersionId);
    if (valid.length === 0) return 0;
    const { rowCount } = await this.pool.query({ ...REMOVE, values: [doc, valid] });
    return rowCount ?? 0;
  }

  async removeDocument(doc: string): Promise<number> {
    const { rowCount } = await this.pool.query({ ...REMOVE_DOCUMENT, values: [doc] });
    return rowCount ?? 0;
  }
}
