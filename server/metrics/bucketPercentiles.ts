import type { Percentiles } from '../../shared/stats.ts';
import type { BucketHistogram } from './BucketHistogram.ts';

/**
 * Percentiles of what a histogram observed since the previous call, as Prometheus's
 * `histogram_quantile` estimates them (linear within a bucket).
 */
export class BucketDelta {
  private previous: number[] = [];

  constructor(private readonly histogram: Pick<BucketHistogram, 'cumulative'>) {}

  /** In the histogram's unit times `scale`; null when nothing was observed. */
  next(scale: number): Percentiles | null {
    const buckets = this.histogram.cumulative();
    const counts = buckets.map((b, i) => b.cumulative - (this.previous[i] ?? 0));
    this.previous = buckets.map((b) => b.cumulative);
    const total = counts.at(-1) ?? 0;
    if (total <= 0) return null;
    const quantile = (q: number) => {
      const rank = q * total;
      let lower = 0;
      for (let i = 0; i < buckets.length; i++) {
        const upper = buckets[i]!.le;
        const below = i === 0 ? 0 : counts[i - 1]!;
        if (counts[i]! >= rank) {
          // The +Inf bucket has no upper bound: report the last finite one.
          if (!Number.isFinite(upper)) return lower * scale;
          const inBucket = counts[i]! - below;
          return (lower + (upper - lower) * (inBucket === 0 ? 1 : (rank - below) / inBucket)) * scale;
        }
        lower = upper;
      }
      return lower * scale;
    };
    return { p50: quantile(0.5), p99: quantile(0.99) };
  }
}
