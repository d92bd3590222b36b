import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The benchmark's PostgreSQL: one database per benchmark process (created on first use,
 * dropped when the process is about to exit), one schema per server data directory.
 */
class BenchDatabase {
  private readonly adminUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  private readonly name = `inkwell_bench_${randomBytes(4).toString('hex')}`;
  private created: Promise<void> | null = null;

  /** The `DATABASE_URL` of a data directory's schema. */
  urlFor(dataDir: string): string {
    const url = new URL(this.adminUrl);
    url.pathname = `/${this.name}`;
    url.searchParams.set('options', `-c search_path=${schemaOf(dataDir)}`);
    return url.toString();
  }

  async prepare(dataDir: string): Promise<void> {
    this.created ??= this.create();
    await this.created;
    await run(this.urlFor(dataDir), `CREATE SCHEMA IF NOT EXISTS ${schemaOf(dataDir)}`);
  }

  private async create(): Promise<void> {
    await run(this.adminUrl, `CREATE DATABASE ${this.name}`);
    process.once('beforeExit', () => {
      run(this.adminUrl, `DROP DATABASE IF EXISTS ${this.name} WITH (FORCE)`).catch((error: unknown) =>
        console.error(`could not drop the benchmark database ${this.name}: ${String(error)}`),
      );
    });
  }
}

const schemaOf = (dataDir: string) => `d_${createHash('sha256').update(dataDir).digest('hex').slice(0, 16)}`;

async function run(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(sql).finally(() => client.end());
}

export const benchDatabase = new BenchDatabase();
