import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from '../../logger.ts';
import type { Clock, Storage } from '../Storage.ts';
import { migrate } from './migrations.ts';
import { SqliteBlobStore } from './SqliteBlobStore.ts';
import { SqliteCatalogue } from './SqliteCatalogue.ts';
import { SqliteDocLog } from './SqliteDocLog.ts';
import { SqliteDocVersions } from './SqliteDocVersions.ts';
import { SqlitePendingBackfills } from './SqlitePendingBackfills.ts';
import { WalCheckpointer } from './walCheckpointer.ts';

interface SqliteStorageOptions {
  /** Path of the database file (created with its directory if missing). */
  file: string;
  /** NORMAL survives a process crash; FULL also survives power loss. */
  synchronous?: 'NORMAL' | 'FULL';
  logger: Logger;
  /** How often the background thread checkpoints the WAL (see WalCheckpointer). */
  checkpointIntervalMs?: number;
  clock?: Clock;
}

/** Pages the WAL may reach before a commit checkpoints on the event loop (a backstop). */
const BACKSTOP_CHECKPOINT_PAGES = 16_384; // 64 MiB of 4 KiB pages

/** Opens (creating and migrating as needed) one SQLite file in WAL mode as log and catalogue. */
export function openSqliteStorage(options: SqliteStorageOptions): Storage {
  const { file, logger, clock = Date.now } = options;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
  db.pragma('busy_timeout = 5000');
  db.pragma(`wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
  migrate(db);
  const checkpointer = new WalCheckpointer(file, options.checkpointIntervalMs ?? 1000, logger);
  const log = new SqliteDocLog(db, logger, clock);
  let closing: Promise<void> | null = null;
  return {
    log,
    catalogue: new SqliteCatalogue(db, log, clock),
    versions: new SqliteDocVersions(db, clock),
    blobs: new SqliteBlobStore(db, clock),
    backfills: new SqlitePendingBackfills(db),
    close: () =>
      (closing ??= (async () => {
        log.close();
        await checkpointer.stop();
        // The last connection to close checkpoints everything and removes the WAL.
        db.close();
      })()),
  };
}
