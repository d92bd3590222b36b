import { describe, expect, it } from 'vitest';
import { INSTANCE_ROW_TTL_MS, type InstanceRow } from '../../../shared/stats.ts';
import { InstanceRoster } from '../../../server/fleet/FleetChannel.ts';

const row = (id: string, connections = 0, at = 0): InstanceRow => ({
  id,
  at,
  connections,
  documentsLoaded: 0,
  updatesPerSecond: 0,
  deliveriesPerSecond: 0,
  commitP99Ms: null,
  eventLoopLagP99Ms: 0,
  rssBytes: 0,
  ready: true,
});

describe('InstanceRoster', () => {
  it('lists this instance and every other heard from lately, by id, with their latest figures', () => {
    let now = 1000;
    const roster = new InstanceRoster(() => now);
    roster.record(row('west', 1));
    roster.record(row('central', 5));
    roster.record(row('west', 2));
    expect(roster.live(row('east')).map((r) => [r.id, r.connections])).toEqual([
      ['central', 5],
      ['east', 0],
      ['west', 2],
    ]);
    now += INSTANCE_ROW_TTL_MS;
    roster.record(row('central', 6));
    now += 1;
    // West fell silent a TTL ago; central spoke since.
    expect(roster.live(row('east')).map((r) => r.id)).toEqual(['central', 'east']);
  });

  it('judges liveness by arrival, not by the clock of the instance that sent the row', () => {
    const roster = new InstanceRoster(() => 10_000);
    roster.record(row('skewed', 1, 10_000 - 60 * 60 * 1000));
    expect(roster.live(row('here')).map((r) => r.id)).toEqual(['here', 'skewed']);
  });

  it("shows this instance's own row, not an echo of an older one it published", () => {
    const roster = new InstanceRoster(() => 0);
    roster.record(row('east', 1));
    expect(roster.live(row('east', 9))).toEqual([row('east', 9)]);
  });
});
