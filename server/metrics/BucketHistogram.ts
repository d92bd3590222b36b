import type { Metric, Registry } from 'prom-client';

/** One bucket as Prometheus exposes it: observations at most `le`, counted cumulatively. */
export interface CumulativeBucket {
  le: number;
  cumulative: number;
}

interface BucketHistogramOptions {
  name: string;
  help: string;
  /** Upper bounds, ascending; a +Inf bucket follows the last. */
  buckets: readonly number[];
  registers: Registry[];
}

/**
 * A histogram kept as plain numbers: `observe` finds the bucket with a few comparisons and
 * adds three numbers, where prom-client's `Histogram.observe` allocates a closure and a label
 * object and hashes the labels on every call (1.8% of the server's busy CPU in the hot-room
 * benchmark, docs/PERFORMANCE.md). prom-client reads it at scrape time: its registry needs
 * only `name`, `help`, `type` and `get()` of a metric. No labels: none of Inkwell's
 * histograms has any.
 */
export class BucketHistogram {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly bounds: Float64Array;
  /** Observations per bucket (not cumulative), the +Inf bucket last. */
  private readonly counts: Float64Array;
  private sum = 0;
  private count = 0;

  constructor({ name, help, buckets, registers }: BucketHistogramOptions) {
    this.name = name;
    this.help = help;
    this.bounds = Float64Array.from(buckets);
    this.counts = new Float64Array(buckets.length + 1);
    // The registry's types name only prom-client's own classes; it calls get() (registry.js).
    for (const registry of registers) registry.registerMetric(this as unknown as Metric);
  }

  observe(value: number): void {
    const { bounds } = this;
    let bucket = 0;
    while (bucket < bounds.length && value > bounds[bucket]!) bucket++;
    this.counts[bucket]!++;
    this.sum += value;
    this.count++;
  }

  /** Every bucket with its cumulative count, +Inf last (what `_bucket{le}` exposes). */
  cumulative(): CumulativeBucket[] {
    let running = 0;
    return Array.from(this.counts, (count, i) => {
      running += count;
      return { le: i < this.bounds.length ? this.bounds[i]! : Number.POSITIVE_INFINITY, cumulative: running };
    });
  }

  reset(): void {
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
  }

  /** The metric as prom-client's registry formats it: `_bucket{le}`, `_sum`, `_count`. */
  async get() {
    const bucketName = `${this.name}_bucket`;
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: [
        ...this.cumulative().map(({ le, cumulative }) => ({
          metricName: bucketName,
          labels: { le: le === Number.POSITIVE_INFINITY ? '+Inf' : le },
          value: cumulative,
        })),
        { metricName: `${this.name}_sum`, labels: {}, value: this.sum },
        { metricName: `${this.name}_count`, labels: {}, value: this.count },
      ],
    };
  }
}
