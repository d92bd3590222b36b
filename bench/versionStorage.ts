/**
 * `npm run bench:versions [-- --edits 10000]`: what a writing session's version history
 * costs in storage. One writer makes `--edits` edits in bursts (an edit a second, a pause of
 * five minutes every 50 edits), automatic versions are taken with the default settings (2
 * minutes of quiet, at least every 10 minutes), and a named version marks each 1,000 edits.
 * Then the clock moves on (a day, a week, a month) and one more edit runs the retention
 * thinning. Prints the versions kept and their bytes at each point, beside the document's
 * own size. Time is simulated: nothing sleeps, so it takes seconds.
 */
import { parseArgs } from 'node:util';
import * as Y from 'yjs';
import { CONTENT_FRAGMENT } from '../shared/documentModel.ts';
import { silentLogger } from '../server/logger.ts';
import { createMemoryStorage } from '../server/storage/memory/createMemoryStorage.ts';
import { VersionRecorder } from '../server/versions/VersionRecorder.ts';
import type { VersionTimers } from '../server/versions/VersionTimers.ts';

const { values: args } = parseArgs({ options: { edits: { type: 'string', default: '10000' } } });
const edits = Number(args.edits);
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;

/** A clock and timers moved by hand (as the tests' ManualTimers). */
class SimulatedTime implements VersionTimers {
  private time = Date.UTC(2026, 0, 1);
  private handle = 0;
  private readonly timers = new Map<number, { at: number; run: () => void }>();
  now = () => this.time;
  setTimeout = (run: () => void, ms: number) => {
    this.timers.set(++this.handle, { at: this.time + ms, run });
    return this.handle;
  };
  clearTimeout = (handle: unknown) => void this.timers.delete(handle as number);
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const next = [...this.timers].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (next === undefined) break;
      this.timers.delete(next[0]);
      this.time = next[1].at;
      next[1].run();
    }
    this.time = end;
  }
}

const time = new SimulatedTime();
const { versions } = createMemoryStorage({ clock: time.now });
const recorder = new VersionRecorder('session', {
  versions,
  timers: time,
  logger: silentLogger(),
  quietMs: 2 * MINUTE,
  maxIntervalMs: 10 * MINUTE,
  automatic: true,
});
const doc = new Y.Doc();
recorder.loaded(doc);
const fragment = doc.getXmlFragment(CONTENT_FRAGMENT);

/** Seeded, so runs compare. */
let seed = 42;
const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
const WORDS = ['the', 'draft', 'we', 'sent', 'on', 'Tuesday', 'and', 'a', 'paragraph', 'of', 'notes'];

/** One edit as a writer makes it: mostly a word typed, sometimes a new paragraph or a deletion. */
function edit(): void {
  doc.transact(() => {
    const roll = random();
    if (fragment.length === 0 || roll < 0.05) {
      const paragraph = new Y.XmlElement('paragraph');
      paragraph.insert(0, [new Y.XmlText('')]);
      fragment.insert(Math.floor(random() * (fragment.length + 1)), [paragraph]);
      return;
    }
    const text = (fragment.get(Math.floor(random() * fragment.length)) as Y.XmlElement).get(0) as Y.XmlText;
    if (roll < 0.15 && text.length > 5) text.delete(Math.floor(random() * (text.length - 5)), 5);
    else
      text.insert(Math.floor(random() * (text.length + 1)), `${WORDS[Math.floor(random() * WORDS.length)]} `);
  });
  recorder.committed(doc, new Set(['Ada']));
}

async function report(label: string): Promise<void> {
  await recorder.settled();
  const kept = await versions.list('session');
  const bytes = kept.reduce((sum, v) => sum + v.bytes, 0);
  const byKind = (kind: string) => kept.filter((v) => v.kind === kind).length;
  console.log(
    `${label.padEnd(28)} ${String(kept.length).padStart(5)} versions (${byKind('auto')} auto, ${byKind('named')} named)` +
      ` ${(bytes / 1024).toFixed(0).padStart(7)} KiB; document ${(Y.encodeStateAsUpdate(doc).byteLength / 1024).toFixed(1)} KiB`,
  );
}

for (let i = 1; i <= edits; i++) {
  edit();
  time.advance(SECOND);
  if (i % 50 === 0) time.advance(5 * MINUTE);
  if (i % 1000 === 0) await recorder.save('named', `After ${i} edits`);
  await recorder.settled();
}
time.advance(10 * MINUTE);
await report(`after ${edits} edits`);
for (const [label, wait] of [
  ['a day later', DAY],
  ['a week later', 7 * DAY],
  ['a month later', 30 * DAY],
] as const) {
  time.advance(wait);
  edit();
  time.advance(10 * MINUTE);
  await report(label);
}
