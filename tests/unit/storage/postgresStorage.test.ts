import { afterEach, describe, expect, it } from 'vitest';
import { DocumentPurgedError, StorageUnavailableError } from '../../../server/storage/errors.ts';
import type { Storage } from '../../../server/storage/Storage.ts';
import {
  freshDatabaseUrl,
  openTestPostgres,
  runSql,
  schemaOf,
  terminateConnections,
} from '../../helpers/postgres.ts';
import { SCHEMA_VERSION } from '../../../server/storage/postgres/migrations.ts';
import { blobStoreContract } from './blobStoreContract.ts';
import { docCatalogueContract } from './docCatalogueContract.ts';
import { docLogContract } from './docLogContract.ts';
import { docTrashContract } from './docTrashContract.ts';
import { docVersionsContract } from './docVersionsContract.ts';
import { pendingBackfillsContract } from './pendingBackfillsContract.ts';

docLogContract('PostgreSQL', (clock) => openTestPostgres(clock));
docCatalogueContract('PostgreSQL', (clock) => openTestPostgres(clock));
docTrashContract('PostgreSQL', (clock) => openTestPostgres(clock));
docVersionsContract('PostgreSQL', (clock) => openTestPostgres(clock));
blobStoreContract('PostgreSQL', (clock) => openTestPostgres(clock));
pendingBackfillsContract('PostgreSQL', async () => {
  const url = await freshDatabaseUrl();
  return () => openTestPostgres(undefined, url);
});

const bytes = (...values: number[]) => Uint8Array.from(values);

describe('PostgreSQL storage', () => {
  let opened: Storage[] = [];
  const open = async (url: string) => {
    const storage = await openTestPostgres(undefined, url);
    opened.push(storage);
    return storage;
  };
  afterEach(async () => {
    await Promise.allSettled(opened.map((s) => s.close()));
    opened = [];
  });

  it('commits the appends of one event-loop turn in a single transaction', async () => {
    const url = await freshDatabaseUrl();
    const storage = await open(url);
    const seqs = await Promise.all(
      Array.from({ length: 200 }, (_, i) => storage.log.append(`doc-${i % 7}`, bytes(i))),
    );
    // One transaction wrote every row (one xmin).
    expect(
      await runSql(url, 'SELECT count(*)::int AS n, count(DISTINCT xmin::text)::int AS commits FROM updates'),
    ).toEqual([{ n: 200, commits: 1 }]);
    // doc-0 got appends 0, 7, 14, …: numbered 1, 2, 3, … in append order.
    expect(seqs.filter((_, i) => i % 7 === 0)).toEqual(Array.from({ length: 29 }, (_, i) => i + 1));
  });

  it('numbers one document’s entries without gaps or repeats when several instances append at once', async () => {
    const url = await freshDatabaseUrl();
    const instances = await Promise.all([open(url), open(url), open(url)]);
    const appended = await Promise.all(
      instances.flatMap((storage, i) =>
        Array.from({ length: 30 }, async (_, n) => {
          // Spread over several turns, so batches of the three interleave.
          if (n % 3 === 0) await new Promise((resolve) => setImmediate(resolve));
          return { seq: await storage.log.append('shared', bytes(i, n)), data: bytes(i, n) };
        }),
      ),
    );
    const seqs = appended.map((a) => a.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 90 }, (_, i) => i + 1));
    const stored = await runSql<{ seq: number; data: Buffer }>(
      url,
      `SELECT seq::int, data FROM updates WHERE doc = 'shared' ORDER BY seq`,
    );
    for (const { seq, data } of appended) {
      expect(new Uint8Array(stored[seq - 1]!.data)).toEqual(data);
    }
  });

  it('loads, lists and compacts while other documents are appended to without pause', async () => {
    const storage = await open(await freshDatabaseUrl());
    await storage.log.append('quiet', bytes(1));
    // A busy server: some commit is always in flight.
    let typing = true;
    const busy = (async () => {
      while (typing) await storage.log.append('busy', bytes(2));
    })();
    await storage.log.compact('quiet', bytes(1), bytes(1), 1);
    expect(await storage.log.load('quiet')).toMatchObject({ snapshot: bytes(1), lastSeq: 1 });
    expect((await storage.catalogue.list()).map((d) => d.name).sort()).toEqual(['busy', 'quiet']);
    typing = false;
    await busy;
  });

  it('keeps the newer snapshot when two instances compact at once, and drops only what it holds', async () => {
    const url = await freshDatabaseUrl();
    const [a, b] = await Promise.all([open(url), open(url)]);
    for (let n = 1; n <= 6; n++) await a.log.append('d', bytes(n));
    await Promise.all([
      a.log.compact('d', bytes(4, 4), bytes(4), 4),
      b.log.compact('d', bytes(2, 2), bytes(2), 2),
    ]);
    // Whichever committed last, the snapshot through 4 stays and entries 5 and 6 remain.
    expect(await b.log.load('d')).toMatchObject({
      snapshot: bytes(4, 4),
      updates: [bytes(5), bytes(6)],
      lastSeq: 6,
    });
    await b.log.compact('d', bytes(3, 3), bytes(3), 3);
    expect((await a.log.load('d'))?.snapshot).toEqual(bytes(4, 4));
    expect((await a.catalogue.info('d'))?.bytes).toBe(2 + 2);
  });

  it('refuses appends to a purged name from an instance that missed the purge, storing the rest of the commit', async () => {
    const url = await freshDatabaseUrl();
    const [purging, unaware] = await Promise.all([open(url), open(url)]);
    await purging.log.append('gone', bytes(1));
    await purging.catalogue.trash('gone');
    expect(await purging.catalogue.delete('gone')).toBe(true);

    // One group commit: an edit to the purged document beside one to another document.
    const [late, other] = await Promise.allSettled([
      unaware.log.append('gone', bytes(2)),
      unaware.log.append('kept', bytes(3)),
    ]);
    expect(late).toMatchObject({ status: 'rejected', reason: expect.any(DocumentPurgedError) });
    expect(other).toEqual({ status: 'fulfilled', value: 1 });
    expect(await purging.log.load('gone')).toBeNull();
    expect(await purging.catalogue.info('gone')).toBeNull();
    expect((await purging.catalogue.list()).map((d) => d.name)).toEqual(['kept']);
  });

  it('migrates once when several instances start together', async () => {
    const url = await freshDatabaseUrl();
    await Promise.all([open(url), open(url), open(url)]);
    expect(await runSql(url, 'SELECT version FROM inkwell_schema_migrations ORDER BY version')).toEqual(
      Array.from({ length: SCHEMA_VERSION }, (_, i) => ({ version: i + 1 })),
    );
  });

  it('never loses an image another instance references while one instance purges it', async () => {
    const url = await freshDatabaseUrl();
    const [a, b] = await Promise.all([open(url), open(url)]);
    const hash = 'c'.repeat(64);
    const image = { bytes: bytes(0x89, 0x50, 0x4e, 0x47), type: 'image/png' };
    for (let round = 0; round < 20; round++) {
      await a.blobs.put('purged', hash, image);
      // The purge of one document races the upload of the same bytes to another.
      await Promise.all([a.blobs.releaseDocument('purged'), b.blobs.put('kept', hash, image)]);
      expect(await a.blobs.get(hash)).toEqual(image);
      expect(await b.blobs.releaseDocument('kept')).toBe(1);
    }
  });

  it('refuses a database from a newer version of Inkwell, naming it', async () => {
    const url = await freshDatabaseUrl();
    await (await open(url)).close();
    await runSql(url, 'INSERT INTO inkwell_schema_migrations (version) VALUES (99)');
    await expect(open(url)).rejects.toThrow(StorageUnavailableError);
    await expect(open(url)).rejects.toThrow(/127\.0\.0\.1:5432\/inkwell_test_\w+: .*newer/);
  });

  it('fails appends while the database is away, and works again by itself when it is back', async () => {
    const url = await freshDatabaseUrl();
    const schema = schemaOf(url);
    const storage = await open(url);
    await storage.log.append('d', bytes(1));
    expect(await storage.probe!()).toEqual({ ok: true });

    // Its connections end and its tables vanish: a database restart, for this test alone.
    await runSql(url, `ALTER SCHEMA ${schema} RENAME TO ${schema}_away`);
    expect(await terminateConnections(url)).toBeGreaterThan(0);
    await expect(storage.log.append('d', bytes(2))).rejects.toThrow();
    expect(await storage.probe!()).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/does not exist/),
    });

    await runSql(url, `ALTER SCHEMA ${schema}_away RENAME TO ${schema}`);
    expect(await storage.probe!()).toEqual({ ok: true });
    // The failed append took no number.
    expect(await storage.log.append('d', bytes(3))).toBe(2);
    expect((await storage.log.load('d'))?.updates).toEqual([bytes(1), bytes(3)]);
  });
});
