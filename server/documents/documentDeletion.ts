import { Deletion } from '../rooms/DocumentDeletedError.ts';
import type { DocCatalogue } from '../storage/DocCatalogue.ts';

/**
 * Whether a document name is in the trash, was purged, or neither (null): what a join and a
 * lookup are refused for. The purge memory is asked only for names with no document.
 */
export async function documentDeletion(
  catalogue: Pick<DocCatalogue, 'info' | 'purgedAt'>,
  name: string,
): Promise<Deletion | null> {
  const info = await catalogue.info(name);
  if (info !== null) return info.deletedAt === null ? null : Deletion.Trashed;
  return (await catalogue.purgedAt(name)) === null ? null : Deletion.Purged;
}
