import type { Config } from '../../server/config.ts';
import { freshDatabaseUrl } from './postgres.ts';
import { tempDataDir } from './server.ts';

/**
 * A storage backend integration suites run against (`describe.each(STORAGE_BACKENDS)`): each
 * call gives fresh, empty storage, for an in-process server (config) or a child one (env).
 */
export interface StorageBackend {
  name: 'SQLite' | 'PostgreSQL';
  freshConfig(): Promise<Pick<Config, 'dataDir' | 'database'>>;
  freshEnv(): Promise<Record<string, string>>;
}

export const STORAGE_BACKENDS: readonly StorageBackend[] = [
  {
    name: 'SQLite',
    freshConfig: async () => ({ dataDir: tempDataDir(), database: null }),
    freshEnv: async () => ({ DATA_DIR: tempDataDir() }),
  },
  {
    name: 'PostgreSQL',
    freshConfig: async () => ({
      dataDir: tempDataDir(),
      database: { url: await freshDatabaseUrl(), poolSize: 4, statementTimeoutMs: 10_000 },
    }),
    freshEnv: async () => ({ DATA_DIR: tempDataDir(), DATABASE_URL: await freshDatabaseUrl() }),
  },
];

/** The settings that make another server use the same storage as this one. */
export const sameStorage = (config: Config): Pick<Config, 'dataDir' | 'database'> => ({
  dataDir: config.dataDir,
  database: config.database,
});
