import { beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { silentLogger } from '../../../server/logger.ts';
import { createMemoryStorage } from '../../../server/storage/memory/createMemoryStorage.ts';
import type { DocVersions } from '../../../server/storage/DocVersions.ts';
import { VersionRecorder } from '../../../server/versions/VersionRecorder.ts';
import { ManualTimers } from '../../helpers/manualTimers.ts';

const QUIET = 2 * 60 * 1000;
const MAX = 10 * 60 * 1000;
const HOUR = 60 * 60 * 1000;

describe('VersionRecorder', () => {
  let timers: ManualTimers;
  let versions: DocVersions;
  let doc: Y.Doc;
  let recorder: VersionRecorder;

  const newRecorder = (automatic = true) => {
    const made = new VersionRecorder('doc', {
      versions,
      timers,
      logger: silentLogger(),
      quietMs: QUIET,
      maxIntervalMs: MAX,
      automatic,
    });
    made.loaded(doc);
    return made;
  };
  /** A commit of `text` typed by `authors`, as the room reports it. */
  const type = (text: string, ...authors: string[]) => {
    doc.getText('text').insert(doc.getText('text').length, text);
    recorder.committed(doc, new Set(authors));
  };
  const advance = async (ms: number) => {
    timers.advance(ms);
    await recorder.settled();
  };

  beforeEach(() => {
    timers = new ManualTimers();
    versions = createMemoryStorage({ clock: timers.now }).versions;
    doc = new Y.Doc();
    recorder = newRecorder();
  });

  it('takes an automatic version once editing has been quiet for the quiet time', async () => {
    type('Hello');
    await advance(QUIET / 2);
    type(' world');
    await advance(QUIET - 1);
    expect(await versions.list('doc')).toEqual([]);
    await advance(1);
    const [version] = await versions.list('doc');
    expect(version).toMatchObject({ kind: 'auto', name: null, createdAt: timers.now() });
    const restored = new Y.Doc();
    Y.applyUpdate(restored, (await versions.get('doc', version!.id))!.update);
    expect(restored.getText('text').toString()).toBe('Hello world');
    expect(timers.waiting).toBe(0);
  });

  it('takes one at least every max interval while editing never goes quiet', async () => {
    for (let minute = 0; minute < 25; minute++) {
      type('.');
      await advance(60 * 1000);
    }
    // Minutes 10 and 20; the burst is still going (the last keystroke a minute ago).
    expect((await versions.list('doc')).map((v) => v.createdAt - Date.UTC(2026, 0, 1))).toEqual([
      2 * MAX,
      MAX,
    ]);
  });

  it('never stores two identical versions in a row', async () => {
    type('Same');
    await advance(QUIET);
    // The room reloads and a reconnecting client resends what is already there: a commit
    // that changes nothing.
    recorder.destroyed();
    recorder = newRecorder();
    recorder.committed(doc, new Set(['Ada']));
    await advance(QUIET);
    await recorder.flush();
    expect(await versions.list('doc')).toHaveLength(1);
    // A deletion changes no state vector but is a change.
    doc.getText('text').delete(0, 1);
    recorder.committed(doc, new Set());
    await advance(QUIET);
    expect(await versions.list('doc')).toHaveLength(2);
  });

  it('credits each version with the named people whose edits it covers since the previous one', async () => {
    type('a', 'Grace');
    type('b', 'Ada');
    type('c'); // a stock client without a name
    type('d', 'Ada');
    await advance(QUIET);
    type('e', 'Linus');
    await advance(QUIET);
    expect((await versions.list('doc')).map((v) => v.authors)).toEqual([['Linus'], ['Ada', 'Grace']]);
  });

  it('takes what is pending when the room unloads, and nothing when nothing changed', async () => {
    await recorder.flush();
    expect(await versions.list('doc')).toEqual([]);
    type('left before the quiet time');
    await recorder.flush();
    expect(await versions.list('doc')).toHaveLength(1);
    expect(timers.waiting).toBe(0);
  });

  it('saves named and pre-restore versions on request, with the authors since the previous version', async () => {
    type('draft', 'Ada');
    const named = await recorder.save('named', 'Sent on Tuesday');
    expect(named).toMatchObject({ kind: 'named', name: 'Sent on Tuesday', authors: ['Ada'] });
    const again = await recorder.save('restore', 'Before restoring "Sent on Tuesday"');
    expect(again).toMatchObject({ kind: 'restore', authors: [] });
    expect(await versions.list('doc')).toHaveLength(2);
  });

  it('thins automatic versions with age and keeps every named one', async () => {
    // A week and a half of editing: a burst every 20 minutes, a named version each day.
    for (let burst = 0; burst < 3 * 24 * 10.5; burst++) {
      type('x');
      await advance(QUIET);
      if (burst % 72 === 0) await recorder.save('named', `Day ${burst / 72}`);
      await advance(20 * 60 * 1000 - QUIET);
    }
    const kept = await versions.list('doc');
    const now = timers.now();
    const auto = kept.filter((v) => v.kind === 'auto');
    const lastDay = auto.filter((v) => now - v.createdAt < 24 * HOUR);
    const week = auto.filter((v) => now - v.createdAt >= 24 * HOUR && now - v.createdAt < 7 * 24 * HOUR);
    const older = auto.filter((v) => now - v.createdAt >= 7 * 24 * HOUR);
    expect(lastDay.length).toBe(72); // every one from the last day
    const hours = new Set(week.map((v) => Math.floor(v.createdAt / HOUR)));
    expect(week.length).toBe(hours.size); // one per hour
    expect(week.length).toBeGreaterThanOrEqual(6 * 24 - 1);
    const days = new Set(older.map((v) => Math.floor(v.createdAt / (24 * HOUR))));
    expect(older.length).toBe(days.size); // one per day
    expect(kept.filter((v) => v.kind === 'named')).toHaveLength(11);
  });

  it('takes no automatic versions when they are turned off, but still saves named ones', async () => {
    recorder = newRecorder(false);
    type('text', 'Ada');
    await advance(MAX * 2);
    await recorder.flush();
    expect(await versions.list('doc')).toEqual([]);
    expect(await recorder.save('named', 'By hand')).toMatchObject({ authors: ['Ada'] });
  });
});
