import * as Y from 'yjs';

/** Half-open clock ranges `[start, end)` of one client's items. */
type Ranges = [number, number][];

function subtract(ranges: Ranges, start: number, end: number): Ranges {
  const result: Ranges = [];
  for (const [s, e] of ranges) {
    if (e <= start || s >= end) result.push([s, e]);
    else {
      if (s < start) result.push([s, start]);
      if (e > end) result.push([end, e]);
    }
  }
  return result;
}

/**
 * Knows whether the server holds every change this device made, so "Saved" is never shown
 * for an edit the server might not have.
 *
 * Local changes (typed here, or loaded from IndexedDB after an offline session) add
 * requirements: "the server must have client C up to clock N" for insertions, and "the
 * server must have these items deleted" for deletions, which add no clock. Messages from
 * the server discharge them: its step 1 state vector, and the structs and delete set of
 * every update and step 2 it sends. The server echoes every update it stores to its sender,
 * and its step 2 carries its whole delete set, so every requirement is eventually either met
 * or still honestly pending.
 */
export class SaveTracker {
  private readonly neededClocks = new Map<number, number>();
  private readonly confirmedClocks = new Map<number, number>();
  private readonly neededDeletes = new Map<number, Ranges>();

  /** Records a change made on this device (or restored from its local copy). */
  noteLocalUpdate(update: Uint8Array): void {
    const { structs, ds } = Y.decodeUpdate(update);
    for (const struct of structs) {
      const end = struct.id.clock + struct.length;
      if (end > (this.neededClocks.get(struct.id.client) ?? 0)) this.neededClocks.set(struct.id.client, end);
    }
    for (const [client, items] of ds.clients) {
      const ranges = this.neededDeletes.get(client) ?? [];
      for (const item of items) ranges.push([item.clock, item.clock + item.len]);
      this.neededDeletes.set(client, ranges);
    }
    this.settle();
  }

  /** Records the server's state vector (its sync step 1). */
  noteServerStateVector(stateVector: Uint8Array): void {
    for (const [client, clock] of Y.decodeStateVector(stateVector)) this.confirm(client, clock);
    this.settle();
  }

  /** Records an update or step 2 the server sent: the server has everything in it. */
  noteServerUpdate(update: Uint8Array): void {
    const { structs, ds } = Y.decodeUpdate(update);
    for (const struct of structs) this.confirm(struct.id.client, struct.id.clock + struct.length);
    for (const [client, items] of ds.clients) {
      let ranges = this.neededDeletes.get(client);
      if (ranges === undefined) continue;
      for (const item of items) ranges = subtract(ranges, item.clock, item.clock + item.len);
      if (ranges.length === 0) this.neededDeletes.delete(client);
      else this.neededDeletes.set(client, ranges);
    }
    this.settle();
  }

  /** True while some local change is not known to be on the server. */
  get hasUnsavedChanges(): boolean {
    return this.neededClocks.size > 0 || this.neededDeletes.size > 0;
  }

  private confirm(client: number, clock: number): void {
    if (clock > (this.confirmedClocks.get(client) ?? 0)) this.confirmedClocks.set(client, clock);
  }

  private settle(): void {
    for (const [client, clock] of this.neededClocks) {
      if ((this.confirmedClocks.get(client) ?? 0) >= clock) this.neededClocks.delete(client);
    }
  }
}
