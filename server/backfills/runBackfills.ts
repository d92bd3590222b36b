import type { Logger } from '../logger.ts';
import type { Storage } from '../storage/Storage.ts';
import { backfillImageReferences, IMAGE_REFERENCES_BACKFILL } from './imageReferences.ts';

type StoredData = Pick<Storage, 'catalogue' | 'log' | 'versions' | 'blobs'>;

/** Each backfill a migration may record, by the name it records (see PendingBackfills). */
const BACKFILLS: Record<string, (storage: StoredData, logger: Logger) => Promise<object>> = {
  [IMAGE_REFERENCES_BACKFILL]: backfillImageReferences,
};

/**
 * Runs the backfills the storage's migrations recorded and marks each finished. Called before
 * the server serves anything, so no request sees data a backfill has yet to fix (with several
 * instances, see docs/OPERATIONS.md, "Upgrading"). A failure rejects, and the server does not
 * start: the backfill stays recorded and runs again next time.
 */
export async function runBackfills(
  storage: Pick<Storage, 'backfills'> & StoredData,
  logger: Logger,
): Promise<void> {
  for (const name of await storage.backfills.pending()) {
    const backfill = BACKFILLS[name];
    if (backfill === undefined) {
      // Migrations newer than this server refuse to open, so this is a name retired since.
      logger.warn({ backfill: name }, 'unknown data backfill left pending');
      continue;
    }
    const started = performance.now();
    logger.info({ backfill: name }, 'running a one-time data backfill');
    const found = await backfill(storage, logger.child({ backfill: name }));
    await storage.backfills.finish(name);
    logger.info(
      { backfill: name, ...found, ms: Math.round(performance.now() - started) },
      'data backfill finished',
    );
  }
}
