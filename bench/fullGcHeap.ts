/**
 * The live heap of a server process, as its own garbage collector reports it after each full
 * collection (`node --trace-gc`). RSS and "heap used" both include garbage not yet collected,
 * and V8 lets the heap grow by hundreds of megabytes under load before a full collection, so
 * neither says whether memory is flat; the heap left after a mark-compact does.
 */

/** `[pid:0xISOLATE]  12345 ms: Mark-Compact 142.9 (173.7) -> 79.1 (145.4) MB, …` (Node 20). */
const MARK_COMPACT =
  /^\[\d+:(0x[0-9a-f]+)\]\s+\d+ ms: Mark-Compact(?: \(reduce\))? [\d.]+ \([\d.]+\) -> ([\d.]+) \(/;

export interface HeapSample {
  /** performance.now() in the load generator when the line arrived. */
  at: number;
  liveMb: number;
}

/** Collects full-GC samples from a process's `--trace-gc` output, fed chunk by chunk. */
export class FullGcHeap {
  /** Per isolate: the main thread and any worker threads each have one. */
  private readonly byIsolate = new Map<string, HeapSample[]>();
  private partial = '';

  feed(chunk: string): void {
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop()!;
    for (const line of lines) {
      const match = MARK_COMPACT.exec(line);
      if (match === null) continue;
      const [, isolate, liveMb] = match;
      const samples = this.byIsolate.get(isolate!) ?? [];
      samples.push({ at: performance.now(), liveMb: Number(liveMb) });
      this.byIsolate.set(isolate!, samples);
    }
  }

  /** The main thread's samples: of the isolates, the one holding the most (worker heaps are a few MB). */
  samples(): HeapSample[] {
    let main: HeapSample[] = [];
    let largest = -1;
    for (const samples of this.byIsolate.values()) {
      const peak = Math.max(...samples.map((s) => s.liveMb));
      if (peak > largest) [main, largest] = [samples, peak];
    }
    return main;
  }
}
