import { describe, expect, it } from 'vitest';
import { IMAGE_REFERENCES_BACKFILL } from '../../../server/backfills/imageReferences.ts';
import type { Storage } from '../../../server/storage/Storage.ts';

/** Opens one database, the same each call: a new one per `freshDatabase` call. */
type Reopen = () => Promise<Storage>;

/** What every persistent backend's migrations and `PendingBackfills` promise. */
export function pendingBackfillsContract(name: string, freshDatabase: () => Promise<Reopen>): void {
  describe(`${name} pending backfills`, () => {
    it('a migrated database has the image-reference backfill pending until it is finished, across restarts', async () => {
      const open = await freshDatabase();
      const first = await open();
      expect(await first.backfills.pending()).toContain(IMAGE_REFERENCES_BACKFILL);
      await first.close();

      // Not finished (a crash mid-way): it runs again.
      const second = await open();
      expect(await second.backfills.pending()).toContain(IMAGE_REFERENCES_BACKFILL);
      await second.backfills.finish(IMAGE_REFERENCES_BACKFILL);
      await second.backfills.finish(IMAGE_REFERENCES_BACKFILL);
      await second.close();

      const third = await open();
      expect(await third.backfills.pending()).not.toContain(IMAGE_REFERENCES_BACKFILL);
      await third.close();
    });
  });
}
