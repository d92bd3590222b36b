import path from 'node:path';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { openPostgresStorage } from './postgres/openPostgresStorage.ts';
import { openSqliteStorage } from './sqlite/openSqliteStorage.ts';
import type { Storage } from './Storage.ts';

/** The SQLite file's name in the data directory. */
export const DATABASE_FILE = 'inkwell.db';

/** The settings that choose and open the storage. */
export type StorageConfig = Pick<Config, 'dataDir' | 'sqliteSynchronous' | 'database'>;

/**
 * Opens the configured storage: PostgreSQL when `DATABASE_URL` is set, else one SQLite file
 * in the data directory. Rejects with a `StorageUnavailableError` when the database cannot
 * be used.
 */
export async function openStorage(config: StorageConfig, logger: Logger): Promise<Storage> {
  const storageLogger = logger.child({ component: 'storage' });
  if (config.database !== null) {
    return openPostgresStorage({ ...config.database, logger: storageLogger });
  }
  return openSqliteStorage({
    file: path.join(config.dataDir, DATABASE_FILE),
    synchronous: config.sqliteSynchronous,
    logger: storageLogger,
  });
}
