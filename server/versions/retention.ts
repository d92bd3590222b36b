import { VersionKind } from '../../shared/api.ts';
import type { DocVersions, VersionInfo } from '../storage/DocVersions.ts';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/**
 * The fixed retention policy for automatic versions (named and restore versions are always
 * kept): every one from the last day, the newest of each hour for a week, the newest of
 * each day after that. Hours and days are UTC buckets of the epoch, so a version that
 * survives one thinning survives the later ones as it ages (the newest of a day is also the
 * newest of its hour).
 */
export function versionsToThin(versions: readonly VersionInfo[], now: number): string[] {
  const newestOfBucket = new Map<string, VersionInfo>();
  const thinned: string[] = [];
  // Newest first, so the first version met in a bucket is the one it keeps.
  const automatic = versions
    .filter((v) => v.kind === VersionKind.Auto)
    .sort((a, b) => b.createdAt - a.createdAt || Number(b.id) - Number(a.id));
  for (const version of automatic) {
    const age = now - version.createdAt;
    if (age < DAY_MS) continue;
    const bucket =
      age < 7 * DAY_MS
        ? `h${Math.floor(version.createdAt / HOUR_MS)}`
        : `d${Math.floor(version.createdAt / DAY_MS)}`;
    if (newestOfBucket.has(bucket)) thinned.push(version.id);
    else newestOfBucket.set(bucket, version);
  }
  return thinned;
}

/**
 * Applies the retention policy to one document's versions as of `now`; resolves with how
 * many were removed. Safe to run on several instances at once: it only ever removes
 * versions that are not the newest of their bucket, a new version is always the newest of
 * its own, and removing an id already removed removes nothing, so concurrent runs on the
 * same document remove the same rows or a subset of them, and never the one a bucket keeps.
 */
export async function thinVersions(versions: DocVersions, doc: string, now: number): Promise<number> {
  const thin = versionsToThin(await versions.list(doc), now);
  return thin.length === 0 ? 0 : versions.remove(doc, thin);
}
