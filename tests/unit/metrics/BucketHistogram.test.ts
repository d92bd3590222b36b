import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { BucketHistogram } from '../../../server/metrics/BucketHistogram.ts';
import { BucketDelta } from '../../../server/metrics/bucketPercentiles.ts';

const BUCKETS = [0.001, 0.01, 0.1, 1];
const VALUES = [0.0005, 0.001, 0.002, 0.05, 0.05, 0.7, 1, 3, 0];

describe('BucketHistogram', () => {
  it('exposes exactly what a prom-client Histogram fed the same values exposes', async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const histogram = new BucketHistogram({
      name: 'h_seconds',
      help: 'A histogram',
      buckets: BUCKETS,
      registers: [ours],
    });
    const reference = new Histogram({
      name: 'h_seconds',
      help: 'A histogram',
      buckets: BUCKETS,
      registers: [theirs],
    });
    expect(await ours.metrics()).toBe(await theirs.metrics());
    for (const value of VALUES) {
      histogram.observe(value);
      reference.observe(value);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });

  it('counts a value equal to a bound in that bucket, and one above every bound in +Inf', () => {
    const histogram = new BucketHistogram({ name: 'b', help: 'b', buckets: BUCKETS, registers: [] });
    histogram.observe(0.01);
    histogram.observe(5);
    expect(histogram.cumulative()).toEqual([
      { le: 0.001, cumulative: 0 },
      { le: 0.01, cumulative: 1 },
      { le: 0.1, cumulative: 1 },
      { le: 1, cumulative: 1 },
      { le: Number.POSITIVE_INFINITY, cumulative: 2 },
    ]);
  });

  it('gives the dashboard the percentiles of what arrived since its last look', () => {
    const histogram = new BucketHistogram({ name: 'p', help: 'p', buckets: BUCKETS, registers: [] });
    const delta = new BucketDelta(histogram);
    expect(delta.next(1000)).toBeNull();
    for (let i = 0; i < 100; i++) histogram.observe(0.005);
    expect(delta.next(1000)).toEqual({ p50: expect.closeTo(5.5, 5), p99: expect.closeTo(9.91, 5) });
    expect(delta.next(1000)).toBeNull();
  });
});
