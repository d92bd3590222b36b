import type { DocLog, StoredDocument } from '../DocLog.ts';
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
    doc.log = doc.log.filter((entry) => entry.seq > throughSeq);
  }

  async flush(): Promise<void> {}
}
