import { describe, expect, it } from 'vitest';
import type { VersionKind } from '../../../shared/api.ts';
import type { VersionInfo } from '../../../server/storage/DocVersions.ts';
import { versionsToThin } from '../../../server/versions/retention.ts';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 5, 15, 12);

let nextId = 1;
const version = (ageMs: number, kind: VersionKind = 'auto'): VersionInfo => ({
  id: String(nextId++),
  createdAt: NOW - ageMs,
  kind,
  name: kind === 'named' ? 'kept' : null,
  authors: [],
  bytes: 1,
});

describe('version retention', () => {
  it('keeps every automatic version of the last day', () => {
    const recent = [version(0), version(1000), version(HOUR), version(DAY - 1)];
    expect(versionsToThin(recent, NOW)).toEqual([]);
  });

  it('keeps the newest automatic version of each hour for a week', () => {
    const base = 3 * DAY; // three days old, at an hour boundary (NOW is on one)
    const sameHour = [
      version(base + 10 * 60 * 1000),
      version(base + 20 * 60 * 1000),
      version(base + 50 * 60 * 1000),
    ];
    const nextHour = version(base - 30 * 60 * 1000);
    expect(versionsToThin([...sameHour, nextHour], NOW).sort()).toEqual(
      [sameHour[1]!.id, sameHour[2]!.id].sort(),
    );
  });

  it('keeps the newest automatic version of each day after a week', () => {
    // Ten days old: 12:00, 09:00 and 06:00 UTC of one day (NOW is at noon).
    const inOneDay = [version(10 * DAY), version(10 * DAY + 3 * HOUR), version(10 * DAY + 6 * HOUR)];
    expect(versionsToThin(inOneDay, NOW).sort()).toEqual([inOneDay[1]!.id, inOneDay[2]!.id].sort());
  });

  it('never thins named or restore versions, however old or close together', () => {
    const kept = [version(30 * DAY, 'named'), version(30 * DAY, 'named'), version(30 * DAY, 'restore')];
    expect(versionsToThin(kept, NOW)).toEqual([]);
  });
});
