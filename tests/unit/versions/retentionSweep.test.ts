import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../server/logger.ts';
import type { DocVersions, NewVersion } from '../../../server/storage/DocVersions.ts';
import { createMemoryStorage } from '../../../server/storage/memory/createMemoryStorage.ts';
import type { Storage } from '../../../server/storage/Storage.ts';
import { versionsToThin } from '../../../server/versions/retention.ts';
import { RetentionSweep } from '../../../server/versions/RetentionSweep.ts';
import { ManualTimers } from '../../helpers/manualTimers.ts';
import { freshDatabaseUrl, openTestPostgres } from '../../helpers/postgres.ts';

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const auto: NewVersion = { kind: 'auto', name: null, authors: ['Ada'], update: new Uint8Array([1]) };
const named: NewVersion = { kind: 'named', name: 'Kept', authors: [], update: new Uint8Array([2]) };

/** `count` automatic versions of `doc`, one a minute from now (by the storage's clock). */
async function addAutomatic(versions: DocVersions, timers: ManualTimers, doc: string, count: number) {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    ids.push((await versions.add(doc, auto)).id);
    timers.advance(MINUTE);
  }
  return ids;
}

const sweepOf = (versions: DocVersions, timers: ManualTimers, documents: () => Promise<string[]>) =>
  new RetentionSweep({ versions, documents, timers, logger: silentLogger(), intervalMs: HOUR });

describe('the periodic version retention sweep', () => {
  const sweeps: RetentionSweep[] = [];
  afterEach(async () => {
    for (const sweep of sweeps.splice(0)) await sweep.stop();
  });

  it("thins an idle document's automatic versions once they are a day old, without any new version", async () => {
    // On an hour boundary, so the ten versions below share one hour.
    const timers = new ManualTimers(Date.UTC(2026, 0, 1, 9));
    const { versions } = createMemoryStorage({ clock: timers.now });
    const burst = await addAutomatic(versions, timers, 'idle', 10);
    const kept = await versions.add('idle', named);
    const sweep = sweepOf(versions, timers, async () => ['idle']);
    sweeps.push(sweep);
    sweep.start();

    // Hourly sweeps all through the first day leave every version.
    for (let hour = 0; hour < 23; hour++) {
      timers.advance(HOUR);
      await sweep.settled();
    }
    expect(await versions.list('idle')).toHaveLength(11);

    // Past a day old, the next sweep keeps the newest of that hour (and the named one).
    timers.advance(2 * HOUR);
    await sweep.settled();
    expect((await versions.list('idle')).map((v) => v.id)).toEqual([kept.id, burst.at(-1)]);
  });

  it('sweeps every interval and not before, and stops sweeping when stopped', async () => {
    const timers = new ManualTimers();
    const { versions } = createMemoryStorage({ clock: timers.now });
    let sweepsRun = 0;
    const sweep = sweepOf(versions, timers, async () => {
      sweepsRun++;
      return [];
    });
    sweep.start();
    timers.advance(HOUR - 1);
    expect(sweepsRun).toBe(0);
    timers.advance(1);
    await sweep.settled();
    expect(sweepsRun).toBe(1);
    timers.advance(HOUR);
    await sweep.settled();
    expect(sweepsRun).toBe(2);
    await sweep.stop();
    expect(timers.waiting).toBe(0);
    timers.advance(10 * HOUR);
    expect(sweepsRun).toBe(2);
  });

  it('keeps sweeping after a sweep fails (the storage was away)', async () => {
    const timers = new ManualTimers();
    const { versions } = createMemoryStorage({ clock: timers.now });
    let failing = true;
    let sweepsRun = 0;
    const sweep = sweepOf(versions, timers, async () => {
      sweepsRun++;
      if (failing) throw new Error('database unreachable');
      return [];
    });
    sweeps.push(sweep);
    sweep.start();
    timers.advance(HOUR);
    await sweep.settled();
    failing = false;
    timers.advance(HOUR);
    await sweep.settled();
    expect(sweepsRun).toBe(2);
  });
});

describe('the version retention sweep on PostgreSQL with several instances', () => {
  let storages: Storage[] = [];
  afterEach(async () => {
    for (const storage of storages) await storage.close();
    storages = [];
  });

  it('two instances sweeping the same documents at once remove each thinned version once and keep the rest', async () => {
    const timers = new ManualTimers(Date.UTC(2026, 0, 1, 9));
    const url = await freshDatabaseUrl();
    // Two instances: two storages (connection pools) on one database.
    storages = [await openTestPostgres(timers.now, url), await openTestPostgres(timers.now, url)];
    const [one, two] = storages.map((storage) => storage.versions) as [DocVersions, DocVersions];
    const docs = Array.from({ length: 6 }, (_, i) => `doc-${i}`);
    // An hour of a busy day in each, a version a minute, and a named one.
    await Promise.all(
      docs.map(async (doc) => {
        await addAutomatic(one, timers, doc, 60);
        await one.add(doc, named);
      }),
    );
    timers.advance(10 * DAY);
    const before = new Map(await Promise.all(docs.map(async (doc) => [doc, await one.list(doc)] as const)));
    const thinned = [...before.values()].flatMap((list) => versionsToThin(list, timers.now()));
    expect(thinned.length).toBeGreaterThan(300);

    const documents = async () => docs;
    const [removedByOne, removedByTwo, added] = await Promise.all([
      sweepOf(one, timers, documents).sweep(),
      sweepOf(two, timers, documents).sweep(),
      // An instance taking a version meanwhile: new versions are never thinned.
      two.add('doc-3', auto),
    ]);

    // Every thinned row was deleted by exactly one of the two (a row already deleted counts for neither).
    expect(removedByOne + removedByTwo).toBe(thinned.length);
    for (const doc of docs) {
      const expected = before.get(doc)!.filter((v) => !thinned.includes(v.id));
      const now = await one.list(doc);
      expect(now.filter((v) => v.id !== added.id)).toEqual(expected);
      // The newest of the day and the named version.
      expect(expected.map((v) => v.kind).sort()).toEqual(['auto', 'named']);
    }
    expect((await one.list('doc-3')).map((v) => v.id)).toContain(added.id);
  });
});
