import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { silentLogger } from '../../server/logger.ts';
import { openPostgresStorage } from '../../server/storage/postgres/openPostgresStorage.ts';
import type { Clock, Storage } from '../../server/storage/Storage.ts';

/** What the global setup hands the tests: this run's database, or why there is none. */
export type PostgresForTests = { ok: true; url: string } | { ok: false; reason: string };

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: PostgresForTests;
  }
}

/** The server the tests use: `DATABASE_URL` when set, else the local one (trust auth). */
export function adminDatabaseUrl(): string {
  return process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
}

/** The same server, another database. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** This run's database; throws (failing the test, never skipping it) when there is none. */
function runDatabaseUrl(): string {
  const postgres = inject('postgres');
  if (!postgres.ok) throw new Error(`this test needs PostgreSQL. ${postgres.reason}`);
  return postgres.url;
}

/**
 * A fresh, empty schema in this run's database, as a `DATABASE_URL` whose connections use
 * it (libpq's `options=-c search_path=…`). A new schema costs a millisecond where a new
 * database costs a copy of the template; the run's database is dropped at the end either way.
 */
export async function freshDatabaseUrl(): Promise<string> {
  const runUrl = runDatabaseUrl();
  const schema = `t_${randomBytes(6).toString('hex')}`;
  await runSql(runUrl, `CREATE SCHEMA ${schema}`);
  const url = new URL(runUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  // Lets a test find (and terminate) exactly its own connections in pg_stat_activity.
  url.searchParams.set('application_name', schema);
  return url.toString();
}

/** The schema a `freshDatabaseUrl` uses (also its connections' application_name). */
export const schemaOf = (url: string): string => new URL(url).searchParams.get('application_name')!;

/** Ends every connection a storage or server on `url` holds, as a database restart would. */
export async function terminateConnections(url: string): Promise<number> {
  const rows = await runSql<{ pid: number }>(
    runDatabaseUrl(),
    // MATERIALIZED: the filter runs first, whatever order the planner would pick for an AND;
    // only this test's connections, in this run's database, are ever terminated.
    `WITH mine AS MATERIALIZED (
       SELECT pid FROM pg_stat_activity
       WHERE datname = current_database() AND application_name = $1 AND pid <> pg_backend_pid())
     SELECT pid FROM mine WHERE pg_terminate_backend(pid)`,
    [schemaOf(url)],
  );
  return rows.length;
}

/** Runs statements on their own connection. */
export async function runSql<R extends pg.QueryResultRow = pg.QueryResultRow>(
  url: string,
  sql: string,
  values: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

/** PostgreSQL storage on a fresh schema, as the contract suites need it. */
export async function openTestPostgres(clock?: Clock, url?: string): Promise<Storage> {
  return openPostgresStorage({
    url: url ?? (await freshDatabaseUrl()),
    poolSize: 4,
    statementTimeoutMs: 10_000,
    logger: silentLogger(),
    clock,
  });
}
