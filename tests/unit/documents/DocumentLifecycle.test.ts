import { describe, expect, it } from 'vitest';
import { CloseCode } from '../../../shared/closeCodes.ts';
import { DocumentLifecycle } from '../../../server/documents/DocumentLifecycle.ts';
import { silentLogger } from '../../../server/logger.ts';
import { createMemoryStorage } from '../../../server/storage/memory/createMemoryStorage.ts';
import { ManualClock } from '../storage/storageFixture.ts';

const DAY = 24 * 60 * 60 * 1000;

function setup(retentionDays = 30) {
  const clock = new ManualClock();
  const storage = createMemoryStorage({ clock: clock.read });
  const evicted: { name: string; code: number }[] = [];
  /** What happens elsewhere while a document's rooms are being closed. */
  const meanwhile: { evicting?: (name: string) => Promise<unknown> } = {};
  const lifecycle = new DocumentLifecycle({
    log: storage.log,
    catalogue: storage.catalogue,
    versions: storage.versions,
    blobs: storage.blobs,
    rooms: {
      evict: async (name, code) => {
        evicted.push({ name, code });
        await meanwhile.evicting?.(name);
      },
    },
    retentionDays,
    logger: silentLogger(),
    clock: clock.read,
  });
  return { clock, storage, evicted, meanwhile, lifecycle };
}

describe('DocumentLifecycle', () => {
  it('closes a trashed document’s rooms with the final DocumentDeleted code, once', async () => {
    const { storage, evicted, lifecycle } = setup();
    await storage.log.append('d', Uint8Array.of(1));
    expect(await lifecycle.trash('d')).toBe(true);
    expect(await lifecycle.trash('d')).toBe(false);
    expect(evicted).toEqual([{ name: 'd', code: CloseCode.DocumentDeleted }]);
  });

  it('purges only documents in the trash', async () => {
    const { storage, lifecycle } = setup();
    await storage.log.append('live', Uint8Array.of(1));
    expect(await lifecycle.purge('live')).toBe(false);
    expect(await storage.catalogue.info('live')).not.toBeNull();
  });

  it('a restore while the purge closes the document’s rooms wins: nothing of it is deleted', async () => {
    const { storage, meanwhile, lifecycle } = setup();
    const image = { bytes: Uint8Array.of(0x89, 0x50, 0x4e, 0x47), type: 'image/png' };
    await storage.log.append('d', Uint8Array.of(1));
    await storage.blobs.put('d', 'a'.repeat(64), image);
    await storage.versions.add('d', { kind: 'named', name: 'v1', authors: [], update: Uint8Array.of(1) });
    await lifecycle.trash('d');
    meanwhile.evicting = (name) => lifecycle.restore(name);

    expect(await lifecycle.purge('d')).toBe(false);
    expect(await storage.catalogue.info('d')).toMatchObject({ deletedAt: null });
    expect((await storage.log.load('d'))?.updates).toEqual([Uint8Array.of(1)]);
    expect(await storage.versions.list('d')).toHaveLength(1);
    expect(await storage.blobs.get('a'.repeat(64))).toEqual(image);
    expect(await storage.catalogue.purgedAt('d')).toBeNull();
  });

  it('a sweep leaves a document restored and trashed again since it chose it', async () => {
    const { clock, storage, meanwhile, lifecycle } = setup(30);
    await storage.log.append('d', Uint8Array.of(1));
    await lifecycle.trash('d');
    clock.advance(31 * DAY);
    meanwhile.evicting = async (name) => {
      meanwhile.evicting = undefined;
      await lifecycle.restore(name);
      await lifecycle.trash(name);
    };

    expect(await lifecycle.purgeExpired()).toBe(0);
    expect(await storage.catalogue.listTrash()).toMatchObject([{ name: 'd', deletedAt: clock.now }]);
  });

  it('purges documents once they have been in the trash longer than the retention', async () => {
    const { clock, storage, lifecycle } = setup(30);
    await storage.log.append('old', Uint8Array.of(1));
    await storage.log.append('recent', Uint8Array.of(2));
    await lifecycle.trash('old');
    clock.advance(20 * DAY);
    await lifecycle.trash('recent');
    clock.advance(10 * DAY);
    expect(await lifecycle.purgeExpired()).toBe(1);
    expect(await storage.log.load('old')).toBeNull();
    expect((await storage.catalogue.listTrash()).map((d) => d.name)).toEqual(['recent']);
  });

  it('purging deletes the versions, the trash keeps them, and a duplicate starts without any', async () => {
    const { storage, lifecycle } = setup();
    await storage.log.append('d', Uint8Array.of(0, 0));
    await storage.versions.add('d', { kind: 'named', name: 'v1', authors: [], update: Uint8Array.of(0, 0) });
    await lifecycle.duplicate('d', 'copy', 'Copy');
    expect(await storage.versions.list('copy')).toEqual([]);
    await lifecycle.trash('d');
    expect(await storage.versions.list('d')).toHaveLength(1);
    await lifecycle.purge('d');
    expect(await storage.versions.list('d')).toEqual([]);
  });
});
