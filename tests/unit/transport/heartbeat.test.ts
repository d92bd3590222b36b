import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Heartbeat } from '../../../server/transport/Heartbeat.ts';

describe('Heartbeat', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('beats every member about once per interval, a slice at a time rather than all at once', () => {
    const heartbeat = new Heartbeat(1000);
    const beats = new Map<number, number>();
    for (let i = 0; i < 400; i++) heartbeat.add({ beat: () => beats.set(i, (beats.get(i) ?? 0) + 1) });

    vi.advanceTimersByTime(50); // one tick
    expect([...beats.values()].reduce((a, b) => a + b, 0)).toBe(20);

    vi.advanceTimersByTime(950); // the rest of the interval
    expect(beats.size).toBe(400);
    expect(Math.max(...beats.values())).toBe(1);

    vi.advanceTimersByTime(1000);
    expect(Math.min(...beats.values())).toBe(2);
    expect(Math.max(...beats.values())).toBe(2);
    heartbeat.stop();
  });

  it('reaches members added during a pass and forgets removed ones', () => {
    const heartbeat = new Heartbeat(1000);
    const counts = { removed: 0, latecomer: 0, alone: 0 };
    for (let i = 0; i < 40; i++) heartbeat.add({ beat: () => {} });
    const removed = { beat: () => counts.removed++ };
    heartbeat.add(removed);
    vi.advanceTimersByTime(50); // first tick of a pass
    heartbeat.delete(removed);
    heartbeat.add({ beat: () => counts.latecomer++ });
    vi.advanceTimersByTime(950);
    expect(counts).toMatchObject({ removed: 0, latecomer: 1 });
    heartbeat.stop();
  });

  it('beats a lone member once per interval, not once per tick', () => {
    const heartbeat = new Heartbeat(1000);
    let beats = 0;
    heartbeat.add({ beat: () => beats++ });
    vi.advanceTimersByTime(3000);
    expect(beats).toBe(3);
    heartbeat.stop();
  });
});
