import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { describeDatabase } from '../../server/storage/postgres/openPostgresStorage.ts';
import { adminDatabaseUrl, withDatabase, type PostgresForTests } from './postgres.ts';

/**
 * Hermetic PostgreSQL for one test run: creates a database with a random name, hands its URL
 * to the tests, and drops it (closing whatever connections remain) at the end. Nothing else
 * on the server is touched. When PostgreSQL cannot be reached, the run goes on and every test
 * that needs it fails with the reason (see postgres.ts).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const admin = adminDatabaseUrl();
  const database = `inkwell_test_${randomBytes(6).toString('hex')}`;
  let provided: PostgresForTests;
  try {
    await runAdmin(admin, `CREATE DATABASE ${database}`);
    provided = { ok: true, url: withDatabase(admin, database) };
  } catch (error) {
    provided = {
      ok: false,
      reason: `PostgreSQL at ${describeDatabase(admin)} cannot be reached: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  project.provide('postgres', provided);
  return async () => {
    if (provided.ok) await runAdmin(admin, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  };
}

async function runAdmin(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
