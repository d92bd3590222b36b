/**
 * Delivery delays in 0.1 ms buckets up to a minute (beyond counts as a minute): constant
 * memory however long a soak runs, percentiles exact to the bucket.
 */
const BUCKET_MS = 0.1;
const BUCKETS = 600_000;

export class LatencyHistogram {
  private readonly counts = new Uint32Array(BUCKETS);
  count = 0;
  maxMs = 0;

  record(ms: number): void {
    this.counts[Math.min(BUCKETS - 1, Math.max(0, Math.floor(ms / BUCKET_MS)))]!++;
    this.count++;
    if (ms > this.maxMs) this.maxMs = ms;
  }

  /** The delay below which `p` percent of the recorded ones fall (upper bucket edge); NaN if empty. */
  percentile(p: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.ceil((this.count * p) / 100);
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return +((i + 1) * BUCKET_MS).toFixed(1);
    }
    return this.maxMs;
  }
}
