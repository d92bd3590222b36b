import pg from 'pg';
import type { Logger } from '../../logger.ts';
import { StorageUnavailableError } from '../errors.ts';
import type { Clock, Storage, StorageHealth } from '../Storage.ts';
import { migrate } from './migrations.ts';
import { PostgresBlobStore } from './PostgresBlobStore.ts';
import { PostgresPendingBackfills } from './PostgresPendingBackfills.ts';
import { PostgresCatalogue } from './PostgresCatalogue.ts';
import { PostgresDocVersions } from './PostgresDocVersions.ts';
import { PostgresLog } from './PostgresLog.ts';

export interface PostgresStorageOptions {
  /** `postgres://user:password@host:port/database` */
  url: string;
  /** Connections the pool may open. */
  poolSize: number;
  /** A statement running longer is cancelled by the server and its call rejects. */
  statementTimeoutMs: number;
  logger: Logger;
  clock?: Clock;
}

const INT8_OID = 20;
/** bigint columns (numbers, times, sizes) as numbers: they stay far below 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** Where the URL points, for messages (never the password). */
export function describeDatabase(url: string): string {
  try {
    const { hostname, port, pathname } = new URL(url);
    return `${hostname || 'localhost'}:${port || 5432}${pathname}`;
  } catch {
    return 'an unparseable DATABASE_URL';
  }
}

/** An error as one line of text (a failed connect to several addresses is an AggregateError). */
export const reasonOf = (error: unknown): string =>
  error instanceof AggregateError
    ? error.errors.map(reasonOf).join('; ')
    : error instanceof Error
      ? error.message || error.name
      : String(error);

/** A connection pool with Inkwell's settings: timeouts, number parsing, no crash on a lost idle connection. */
export function createPostgresPool(
  options: Pick<PostgresStorageOptions, 'url' | 'poolSize' | 'statementTimeoutMs' | 'logger'>,
): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize,
    application_name: 'inkwell',
    statement_timeout: options.statementTimeoutMs,
    // The server's timeout does not help when the network, not the query, is stuck.
    query_timeout: options.statementTimeoutMs + 1000,
    connectionTimeoutMillis: options.statementTimeoutMs,
    keepAlive: true,
    types,
  });
  // An idle connection the server dropped (restart, pg_terminate_backend) is discarded by the
  // pool, which opens a new one when needed; unhandled, this event would end the process.
  pool.on('error', (error) => options.logger.warn({ err: error }, 'an idle database connection was lost'));
  return pool;
}

/**
 * Opens a PostgreSQL database as log, catalogue and blob store: connects, migrates the schema (under an
 * advisory lock, see migrations.ts) and returns the storage. Rejects with a
 * `StorageUnavailableError` naming host and reason when the database cannot be used.
 */
export async function openPostgresStorage(options: PostgresStorageOptions): Promise<Storage> {
  const { url, logger, clock = Date.now } = options;
  const pool = createPostgresPool(options);
  try {
    await migrate(pool);
  } catch (error) {
    await pool.end().catch(() => {});
    throw new StorageUnavailableError(
      `cannot use the PostgreSQL database at ${describeDatabase(url)}: ${reasonOf(error)}`,
      { cause: error },
    );
  }

  const log = new PostgresLog(pool, logger, clock);
  let closing: Promise<void> | null = null;
  return {
    log,
    catalogue: new PostgresCatalogue(pool, log, clock),
    versions: new PostgresDocVersions(pool, clock),
    blobs: new PostgresBlobStore(pool, clock),
    backfills: new PostgresPendingBackfills(pool),
    probe: async (): Promise<StorageHealth> => {
      try {
        // Our own table, not just `SELECT 1`: a reachable server without our schema is no use.
        await pool.query({ name: 'inkwell_probe', text: 'SELECT 1 FROM documents LIMIT 1' });
        return { ok: true };
      } catch (error) {
        return { ok: false, reason: `database ${describeDatabase(url)}: ${reasonOf(error)}` };
      }
    },
    close: () =>
      (closing ??= (async () => {
        try {
          await log.close();
        } finally {
          await pool.end();
        }
      })()),
  };
}
