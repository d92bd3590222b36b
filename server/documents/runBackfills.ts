import { backfillImageReferences, IMAGE_REFERENCES_BACKFILL } from '../blobs/imageReferenceBackfill.ts';
import type { Logger } from '../logger.ts';
import type { Storage } from '../storage/Storage.ts';

type StoredData = Pick<Storage, 'catalogue' | 'log' | 'versions' | 'blobs'>;

/** Each backfill a migration may record, by the name it records (see PendingBackfills). */
const BACKFILLS: Record<string, (storage: StoredData) => Promise<object>> = {
  [IMAGE_REFERENCES_BACKFILL]: backfillImageReferences,
};

/**
 * Runs the backfills the storage's migrations recorded and marks each finished. Called before
 * the server serves anything, so no request sees data a backfill has yet to fix (with several
 * instances, those already serving during a rolling upgrade still can, until one finishes).
 * A failure rejects, and the server does not start: the backfill runs again next time.
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
    const found = await backfill(storage);
    await storage.backfills.finish(name);
    logger.info(
      { backfill: name, ...found, ms: Math.round(performance.now() - started) },
      'data backfill finished',
    );
  }
}
