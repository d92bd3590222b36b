import type { DocLog, LogTail, StoredDocument } from '../DocLog.ts';
import type { Clock } from '../Storage.ts';
import type { MemoryTables } from './MemoryTables.ts';

/** `DocLog` in process memory. Bytes are copied in and out so callers cannot mutate stored state. */
export class MemoryDocLog implements DocLog {
  constructor(
    private readonly tables: MemoryTables,
    private readonly clock: Clock,
  ) {}

  async load(name: string): Promise<StoredDocument | null> {
    this.tables.assertOpen();
    const doc = this.tables.documents.get(name);
    if (doc === undefined) return null;
    return {
      snapshot: doc.snapshot === null ? null : doc.snapshot.slice(),
      snapshotStateVector: doc.stateVector === null ? null : doc.stateVector.slice(),
      updates: doc.log.map((entry) => entry.update.slice()),
      lastSeq: doc.lastSeq,
    };
  }

  async append(name: string, update: Uint8Array): Promise<number> {
    this.tables.assertOpen();
    const now = this.clock();
    const doc = this.tables.documents.get(name) ?? this.tables.add(name, now, null);
    return this.tables.append(doc, update, now);
  }

  async compact(
    name: string,
    snapshot: Uint8Array,
    stateVector: Uint8Array,
    throughSeq: number,
  ): Promise<void> {
    this.tables.assertOpen();
    const doc = this.tables.documents.get(name);
    if (doc === undefined) return;
    doc.snapshot = snapshot.slice();
    doc.stateVector = stateVector.slice();
    doc.snapshotThroughSeq = Math.max(doc.snapshotThroughSeq, throughSeq);
    doc.log = doc.log.filter((entry) => entry.seq > throughSeq);
  }

  async readAfter(name: string, afterSeq: number): Promise<LogTail | null> {
    this.tables.assertOpen();
    const doc = this.tables.documents.get(name);
    if (doc === undefined) return null;
    const folded = doc.snapshot !== null && doc.snapshotThroughSeq > afterSeq;
    return {
      snapshot: folded ? { update: doc.snapshot!.slice(), throughSeq: doc.snapshotThroughSeq } : null,
      entries: doc.log
        .filter((entry) => entry.seq > afterSeq)
        .map((entry) => ({ seq: entry.seq, update: entry.update.slice() })),
    };
  }

  async lastSeqs(names: readonly string[]): Promise<Map<string, number>> {
    this.tables.assertOpen();
    const seqs = new Map<string, number>();
    for (const name of names) {
      const doc = this.tables.documents.get(name);
      if (doc !== undefined) seqs.set(name, doc.lastSeq);
    }
    return seqs;
  }

  async flush(): Promise<void> {}
}
